import type { Module } from '../platform/module.ts';
import { mediaMigrations } from './migrations.ts';
import { mediaRoutes } from './routes.ts';

export const mediaModule: Module = {
  name: 'media',
  migrations: mediaMigrations,
  routes: mediaRoutes,
};
