// Builds the whole web application on a test database, with settings suited to tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import type { Module } from '../module.ts';
import { buildApp } from '../../web/app.ts';
import { modules, wiringOf } from '../../modules.ts';

export const TEST_STAFF_TOKEN = 'test-staff-token-0123456789abcdef0123456789';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  /** Every log line the app wrote, as parsed JSON. */
  logs: Record<string, unknown>[];
  staffHeaders: { authorization: string };
}

/**
 * Cheap Argon2id costs (64 KiB, 1 pass) so hundreds of sign-ups stay fast; the production ones
 * (19 MiB, 2 passes) are kept and asserted by one test that asks for `passwordCosts: 'production'`.
 */
export const TEST_PASSWORD_COSTS = { memory: 64, passes: 1, parallelism: 1 } as const;

export interface TestAppOptions {
  passwordCosts?: 'test' | 'production';
  /** The test's own modules after the shop's (a listener, a mail template): they reach `app.wiring`. */
  extraModules?: readonly Module[];
}

export async function buildTestApp(database: DatabaseHandle, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const settings = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-test-')),
    LOG_LEVEL: 'info',
    RUN_WORKER: 'false',
    DEMO_DATA: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const config: Config = options.passwordCosts === 'production' ? settings : { ...settings, testPasswordCosts: { ...TEST_PASSWORD_COSTS } };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const all = options.extraModules?.length ? [...modules, ...options.extraModules] : modules;
  const app = await buildApp({ config, database, logger, modules: all, wiring: wiringOf(all), staffApiToken: TEST_STAFF_TOKEN });
  await app.ready();
  return { app, config, logs, staffHeaders: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } };
}
