import type { Module } from '../platform/module.ts';
import { brandMigrations } from './migrations.ts';
import { brandRoutes } from './routes.ts';

export const brandModule: Module = {
  name: 'brand',
  migrations: brandMigrations,
  routes: brandRoutes,
};
