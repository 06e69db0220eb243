import type { Module } from '../../platform/module.ts';
import { catalogueMigrations } from './migrations.ts';
import { catalogueStaffRoutes } from './staff-routes.ts';

export const catalogueModule: Module = {
  name: 'catalogue',
  migrations: catalogueMigrations,
  routes: catalogueStaffRoutes,
};
