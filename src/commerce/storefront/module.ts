import type { Module } from '../../platform/module.ts';

export const storefrontModule: Module = {
  name: 'storefront',
  migrations: [],
};
