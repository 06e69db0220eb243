import type { Module } from '../../platform/module.ts';
import { storefrontRoutes } from './routes.ts';

export const storefrontModule: Module = {
  name: 'storefront',
  migrations: [],
  routes: storefrontRoutes,
};
