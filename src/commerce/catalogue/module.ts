import type { Module } from '../../platform/module.ts';
import { catalogueMigrations } from './migrations.ts';
import { productImageRoutes } from './image-routes.ts';
import { catalogueStaffRoutes } from './staff-routes.ts';

export const catalogueModule: Module = {
  name: 'catalogue',
  migrations: catalogueMigrations,
  routes: async (app) => {
    await app.register(catalogueStaffRoutes);
    await app.register(async (scoped) => productImageRoutes(scoped));
  },
};
