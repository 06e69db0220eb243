// The content module: the shop's own pages (terms, shipping, returns, contact), their text kept
// by the owner, with a record of every change.
import type { Module } from '../platform/module.ts';
import { contentMigrations } from './migrations.ts';
import { contentRoutes } from './routes.ts';

export const contentModule: Module = {
  name: 'content',
  migrations: contentMigrations,
  routes: contentRoutes,
};
