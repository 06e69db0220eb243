import type { Module } from '../../platform/module.ts';
import { catalogueMigrations } from './migrations.ts';

export const catalogueModule: Module = {
  name: 'catalogue',
  migrations: catalogueMigrations,
};
