// What a module hands the composition root: its migrations, its routes as one encapsulated
// Fastify plugin, the background jobs it knows how to run, and what it declares for other modules
// (listeners to their events; mail templates, see src/comms/templates.ts). Nothing is registered
// at import time: the composition root collects the declarations of the modules it was given into
// one `Wiring` and hands it to the app (`app.wiring`) and to jobs (`ctx.services.wiring`), so two
// shops in one process never share a listener or a template (decision 0034).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Migration } from './db/migrate.ts';
import type { JobHandlers, Schedule } from './jobs/index.ts';

/**
 * Listeners to events other modules raise, by event name. The module that raises an event declares
 * its listener type here by declaration merging (payments: `paymentSettled`, orders: `orderTransition`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in the modules that raise events
export interface ModuleListeners {}

/** Every module's listeners by event, in module order (an event nobody listens to may be missing). */
export type Listeners = Readonly<ModuleListeners>;

/**
 * What the composition root collected from every module's declarations. Modules that own a kind of
 * declaration add its collected form by declaration merging (comms: `mailTemplates`).
 */
export interface Wiring {
  listeners: Listeners;
}

export interface Module {
  name: string;
  migrations: Migration[];
  routes?: FastifyPluginAsync;
  jobs?: JobHandlers;
  schedules?: Schedule[];
  listeners?: ModuleListeners;
  /**
   * The counter the web app's rate limit keeps its counts in, shared by every process on the
   * database (src/platform/rate-limits). The app uses the first module's; none (or null): counts per process.
   */
  requestCounter?: (app: FastifyInstance) => RequestCounter | null;
}

/** Counts requests per key in fixed windows, for the web app's rate limit. */
export interface RequestCounter {
  /** Counts one request of `key` in the current window of `windowMs`: the window's count so far, this one included, and the ms until it ends. */
  hit(key: string, windowMs: number): Promise<{ hits: number; ttlMs: number }>;
}

/** The listeners of `modules` by event, in module order. */
export function collectListeners(modules: readonly Module[]): Listeners {
  const collected: Record<string, unknown[]> = {};
  for (const module of modules) {
    for (const [event, listeners] of Object.entries(module.listeners ?? {})) collected[event] = [...(collected[event] ?? []), ...(listeners as unknown[])];
  }
  return collected as Listeners;
}
