import { tablesOf } from '../platform/db/database.ts';
import type { Module } from '../platform/module.ts';
import type { BrandTables } from './tables.ts';
import { brandMigrations } from './migrations.ts';
import { brandRoutes } from './routes.ts';

export const brandModule: Module = {
  name: 'brand',
  migrations: brandMigrations,
  routes: brandRoutes,
  // The logo keeps its image from the media sweep.
  imageUses: async (db, ids) =>
    ids.length
      ? (await tablesOf<BrandTables>(db).selectFrom('brand_settings').select('logo_image_id').where('logo_image_id', 'in', ids).execute()).flatMap((r) => (r.logo_image_id ? [r.logo_image_id] : []))
      : [],
};
