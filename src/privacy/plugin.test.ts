import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { openDatabase } from '../platform/db/database.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import type { Module } from '../platform/module.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { buildApp } from '../web/app.ts';
import { modules, wiringOf } from '../modules.ts';
import { testActor } from './actors.ts';
import { sealAuditLog } from './audit/seal.ts';
import { kernelInternals } from './internals.ts';
import { privacyPlugin } from './plugin.ts';
import { PrivacySetupError } from './refusals.ts';
import { countAuditEntries } from './testing.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

testEachDatabase('the kernel is registered once and hands later modules a typed app.privacy', async (database) => {
  let seen: string | null = null;
  const consumer: Module = {
    name: 'consumer',
    migrations: [],
    routes: async (app: FastifyInstance) => {
      // Another module: it can create a person and read them back only through the kernel.
      const subject = await app.privacy.createSubject(app.db, { kind: 'customer', actor: testActor('consumer'), purpose: 'account' });
      await app.privacy.write(app.db, { subject, actor: testActor('consumer'), purpose: 'account', values: { 'user.name': 'Plugged In' } });
      seen = String((await app.privacy.read(app.db, { subject, actor: testActor('consumer'), purpose: 'account', categories: ['user.name'] })).values['user.name']);
    },
  };
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-plugin-')), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });
  const app = await buildApp({ config, database, logger: createLogger('silent'), modules: [...modules, consumer], wiring: wiringOf([...modules, consumer]), staffApiToken: 'x'.repeat(40) });
  try {
    await app.ready();
    assert.equal(seen, 'Plugged In');
    assert.equal(app.privacy.region, 'us');
  } finally {
    await app.close();
  }
  // A second kernel cannot be registered.
  const twice = buildApp({
    config,
    database,
    logger: createLogger('silent'),
    modules: [...modules, { name: 'again', migrations: [], routes: privacyPlugin }],
    wiring: wiringOf(modules),
    staffApiToken: 'x'.repeat(40),
  });
  await assert.rejects(
    twice.then((a) => a.ready()),
    /privacy/,
  );
});

testEachDatabase('[P003-18] the region is published in the data map and start refuses when the deployment or the database names another', async (database) => {
  const { app } = await buildTestApp(database);
  assert.equal(app.privacy.map.residency.region, 'us');
  await app.close();
  await assert.rejects(buildTestApp(database, { DATA_REGION: 'eu' }), (err: unknown) => err instanceof PrivacySetupError && /DATA_REGION is eu/.test(err.message));

  // A data map moved to another region cannot run on a database whose data was recorded in the US.
  const euMap = mkdtempSync(join(tmpdir(), 'custodian-eu-map-'));
  cpSync(join(root, 'datamap'), euMap, { recursive: true });
  writeFileSync(join(euMap, 'organization.yml'), readFileSync(join(euMap, 'organization.yml'), 'utf8').replace('region: us', 'region: eu'));
  await assert.rejects(buildTestApp(database, { DATA_REGION: 'eu', DATAMAP_DIR: euMap }), /recorded for region us/);

  // The database's own setting (PostgreSQL: ALTER DATABASE … SET custodian.data_region) is honoured too.
  if (database.engine === 'postgres') {
    const name = new URL(database.url!).pathname.slice(1);
    await sql.raw(`alter database ${name} set custodian.data_region = 'eu'`).execute(database.db);
    const fresh = await openDatabase({ databaseUrl: database.url, pgliteDir: null, poolSize: 2 });
    try {
      await assert.rejects(buildTestApp(fresh), /configured for region eu/);
    } finally {
      await fresh.close();
    }
  } else {
    await sql`set custodian.data_region = 'eu'`.execute(database.db);
    await assert.rejects(buildTestApp(database), /configured for region eu/);
  }
});

testEachDatabase('the shop records its first start in the audit chain, and does not start again once its audit anchor is deleted', async (database) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-anchor-start-'));
  const { app } = await buildTestApp(database, { DATA_DIR: dataDir });
  const anchorPath = kernelInternals(app.privacy).anchorPath!;
  assert.equal(anchorPath, join(dataDir, 'audit-head.json'));
  assert.equal(await countAuditEntries(app.db, { action: 'audit.anchor' }), 1);
  // What the worker's sealer does: link 1 on, and the first anchor.
  assert.equal((await sealAuditLog(app.db, { anchorPath })).anchor, 'advanced');
  await app.close();
  await (await buildTestApp(database, { DATA_DIR: dataDir })).app.close();

  rmSync(anchorPath);
  await assert.rejects(buildTestApp(database, { DATA_DIR: dataDir }), (err: unknown) => err instanceof PrivacySetupError && /audit anchor .* is missing/.test(err.message));
});

function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return codeFiles(path);
    return /\.(ts|js|mjs|cjs|sql)$/.test(name) ? [path] : [];
  });
}

/** Files outside src/privacy that name a kernel table. */
export function boundaryViolations(files: string[]): string[] {
  return files
    .filter((f) => !relative(root, f).startsWith('src/privacy/'))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bprivacy_[a-z][a-z_]*\b/g)].map((m) => `${relative(root, f)}: ${m[0]}`));
}

test('no file outside src/privacy queries a kernel table', () => {
  const files = ['src', 'test', 'bench', 'scripts'].flatMap((d) => {
    try {
      return codeFiles(join(root, d));
    } catch {
      return [];
    }
  });
  assert.ok(files.length > 20);
  assert.deepEqual(boundaryViolations(files), []);
  // The check does catch a query that reaches into the kernel's tables.
  const probe = join(mkdtempSync(join(tmpdir(), 'custodian-boundary-')), 'probe.ts');
  writeFileSync(probe, 'await sql`select * from privacy_items`.execute(db);\n');
  assert.deepEqual(
    boundaryViolations([probe]).map((v) => v.replace(/^.*: /, '')),
    ['privacy_items'],
  );
});
