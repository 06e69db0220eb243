// What a module hands the composition root: its migrations, its routes as one encapsulated
// Fastify plugin, and the background jobs it knows how to run.
import type { FastifyPluginAsync } from 'fastify';
import type { Migration } from './db/migrate.ts';
import type { JobHandlers, Schedule } from './jobs/index.ts';

export interface Module {
  name: string;
  migrations: Migration[];
  routes?: FastifyPluginAsync;
  jobs?: JobHandlers;
  schedules?: Schedule[];
}
