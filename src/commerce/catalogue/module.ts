import type { FastifyInstance } from 'fastify';
import type { Module } from '../../platform/module.ts';
import { catalogueDb } from './queries.ts';
import { consoleProductRoutes } from './console-products.ts';
import { consoleStockRoutes } from './console-stock.ts';
import { consoleTaxonomyRoutes } from './console-taxonomy.ts';
import { catalogueMigrations } from './migrations.ts';
import { productImageRoutes } from './image-routes.ts';
import { catalogueStaffRoutes } from './staff-routes.ts';

export const catalogueModule: Module = {
  name: 'catalogue',
  migrations: catalogueMigrations,
  // The staff JSON API and the staff console pages share the commands (one path per change).
  routes: async (app: FastifyInstance, options) => {
    await catalogueStaffRoutes(app, options);
    await consoleProductRoutes(app);
    await consoleTaxonomyRoutes(app);
    await consoleStockRoutes(app);
    await app.register(async (scoped) => productImageRoutes(scoped));
  },
  // Products' pictures keep their images from the media sweep.
  imageUses: async (db, ids) =>
    ids.length ? (await catalogueDb(db).selectFrom('catalogue_product_images').select('image_id').distinct().where('image_id', 'in', ids).execute()).map((r) => r.image_id) : [],
};
