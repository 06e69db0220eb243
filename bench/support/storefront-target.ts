// The servers the storefront benchmark measures, in a process of their own so the load generator
// does not share their event loop: the shop as `npm start` runs it (demo data, LOG_LEVEL=warn, no
// rate limit unless the second argument sets one, no worker) and a bare Fastify route. Prints one JSON line when ready; stops on SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startShop } from '../../src/server.ts';

export interface TargetReady {
  engine: string;
  shop: string;
  bare: string;
  productPath: string;
}

const databaseUrl = process.argv[2] || undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
const config = loadConfig({
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: process.argv[3] || '0',
  DEMO_DATA: 'true',
  RUN_WORKER: 'false',
  STAFF_API_TOKEN: randomBytes(24).toString('hex'),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});
// Warnings go to stderr: stdout carries the ready line.
const shop = await startShop(config, createLogger(config.logLevel, process.stderr));
const { rows } = await sql<{ slug: string }>`select slug from catalogue_products where status = 'active' order by slug limit 1`.execute(shop.database.db);
const slug = rows[0]?.slug;
if (!slug) throw new Error('the demo shop has no active product');

const bare = Fastify();
bare.get('/bare', async () => 'ok');
await bare.listen({ host: '127.0.0.1', port: 0 });

const shopPort = (shop.app.server.address() as { port: number }).port;
const barePort = (bare.server.address() as { port: number }).port;
const ready: TargetReady = {
  engine: shop.database.engine,
  shop: `http://127.0.0.1:${shopPort}`,
  bare: `http://127.0.0.1:${barePort}/bare`,
  productPath: `/products/${slug}`,
};
process.stdout.write(`${JSON.stringify(ready)}\n`);

process.once('SIGTERM', () => {
  void Promise.all([shop.stop(), bare.close()]).finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
