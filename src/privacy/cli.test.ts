// The kernel's CLI commands as an operator runs them, on the shop's settings (src/cli/testing.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { parse } from 'yaml';
import { openDatabase, pgliteDirFor, type DatabaseHandle } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createScratchPostgres, migratedPostgresTemplate, pgliteTemplate, testEngines } from '../platform/testing/databases.ts';
import { allMigrations } from '../modules.ts';
import { findAccount, finishEnrolment, startEnrolment, stepAt, totpCode } from '../accounts/index.ts';
import { staffActor, testActor } from './actors.ts';
import { kernelInternals } from './internals.ts';
import { sealAuditLog } from './audit/seal.ts';
import { fideslangTaxonomy } from './datamap/taxonomy.ts';
import { rewriteAuditChainFrom, testKernel } from './testing.ts';
import { cliInProcess, cliProcess } from '../cli/testing.ts';

// Most commands run in this process through the CLI's runner; the first of each test starts the
// operator's process (src/cli/testing.ts).
const cli = cliInProcess;

test('`custodian datamap export --format fides` writes a document whose keys are all in the fideslang taxonomy or declared extensions', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-cli-fides-'));
  const out = join(dataDir, 'fides.yml');
  const run = await cliProcess({ DATA_DIR: dataDir }, 'datamap', 'export', '--format', 'fides', '--out', out);
  assert.equal(run.code, 0, run.stderr);
  // The map comes from the shop's files, so the export runs beside a shop holding its database.
  assert.deepEqual(readdirSync(dataDir), ['fides.yml'], 'no database was opened or created');
  const doc = parse(readFileSync(out, 'utf8')) as Record<string, any[]>;
  const taxonomy = fideslangTaxonomy();
  const ext = (kind: string) => new Set((doc[kind] ?? []).map((e: { fides_key: string }) => e.fides_key));
  const [cats, subjects, uses] = [ext('data_category'), ext('data_subject'), ext('data_use')];
  const unknown: string[] = [];
  const cat = (k: string) => taxonomy.dataCategories.has(k) || cats.has(k) || unknown.push(`data category ${k}`);
  for (const system of doc.system!) {
    for (const d of system.privacy_declarations) {
      if (!taxonomy.dataUses.has(d.data_use) && !uses.has(d.data_use)) unknown.push(`data use ${d.data_use}`);
      d.data_categories.forEach(cat);
      for (const s of d.data_subjects) if (!taxonomy.dataSubjects.has(s) && !subjects.has(s)) unknown.push(`data subject ${s}`);
    }
    for (const e of system.egress) e.data_categories.forEach(cat);
  }
  for (const ds of doc.dataset!) for (const c of ds.collections) for (const f of c.fields) f.data_categories.forEach(cat);
  assert.deepEqual(unknown, []);
  assert.ok(doc.system![0].privacy_declarations.some((d: { data_use: string }) => d.data_use === 'essential.service'));

  const bad = await cli({ DATA_DIR: dataDir }, 'datamap', 'export', '--format', 'csv');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format/);
});

for (const engine of testEngines()) {
  test(`\`custodian audit verify\` passes an intact chain and reports the first broken row after a direct edit [${engine}]`, { timeout: 120_000 }, async () => {
    const shop = await shopOn('custodian-cli-audit-');
    const { dataDir, env, open } = shop;
    try {
      let database = await open();
      await migrate(database.db, allMigrations);
      const { kernel } = await testKernel(database.db, { keyringPath: join(dataDir, 'keyring.json') });
      const subject = await kernel.createSubject(database.db, { kind: 'customer', actor: testActor('t'), purpose: 'account' });
      await kernel.write(database.db, { subject, actor: testActor('t'), purpose: 'support', values: { 'user.name': 'Verified Person' } });
      for (let i = 0; i < 4; i++) await kernel.read(database.db, { subject, actor: staffActor('s', 'support'), purpose: 'support', categories: ['user.name'] });
      await sealAuditLog(database.db, { anchorPath: join(dataDir, 'audit-head.json') });
      await database.close();

      const good = await cliProcess(env, 'audit', 'verify');
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /The audit chain verifies/);

      database = await open();
      const { rows } = await sql<{ entry_id: number }>`select entry_id from privacy_audit_chain where seq = 5`.execute(database.db);
      await database.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`update privacy_audit_log set actor_id = 'someone-else' where id = ${rows[0]!.entry_id}`.execute(trx);
      });
      await database.close();

      const broken = await cli(env, 'audit', 'verify');
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, new RegExp(`BROKEN at link 5 \\(entry ${rows[0]!.entry_id}\\)`));
    } finally {
      for (const drop of shop.drops) await drop();
    }
  });

  /** A shop's settings and a way to open its database, as the CLI will. */
  async function shopOn(prefix: string) {
    const dataDir = mkdtempSync(join(tmpdir(), prefix));
    const env: Record<string, string> = { DATA_DIR: dataDir };
    const drops: (() => Promise<void>)[] = [];
    let open: () => Promise<DatabaseHandle>;
    // From the migrated template (src/platform/testing/databases.ts): these tests are about the
    // commands, not about migrating a fresh database, which costs seconds per test.
    if (engine === 'postgres') {
      const scratch = await createScratchPostgres(await migratedPostgresTemplate());
      drops.push(scratch.drop);
      env.DATABASE_URL = scratch.url;
      open = () => openDatabase({ databaseUrl: env.DATABASE_URL!, pgliteDir: null, poolSize: 2 });
    } else {
      let first = true;
      open = async () => {
        const pgliteRestore = first ? await pgliteTemplate() : undefined;
        first = false;
        return openDatabase({ databaseUrl: null, pgliteDir: pgliteDirFor(dataDir), pgliteRestore });
      };
    }
    return { dataDir, env, drops, open: () => open(), keyringPath: join(dataDir, 'keyring.json') };
  }

  test(`\`custodian audit verify\` catches a chain rewritten consistently from some entry on, through the anchor the sealer wrote outside the database; only the privacy officer re-anchors, for a reason written into the chain [${engine}]`, {
    // Seventeen CLI processes, each opening the database: minutes on a loaded machine.
    timeout: 300_000,
  }, async () => {
    const shop = await shopOn('custodian-cli-anchor-');
    try {
      let database = await shop.open();
      await migrate(database.db, allMigrations);
      const { kernel } = await testKernel(database.db, { keyringPath: shop.keyringPath });
      const subject = await kernel.createSubject(database.db, { kind: 'customer', actor: testActor('t'), purpose: 'account' });
      await kernel.write(database.db, { subject, actor: testActor('t'), purpose: 'support', values: { 'user.name': 'Anchored Person' } });
      for (let i = 0; i < 4; i++) await kernel.read(database.db, { subject, actor: staffActor('s', 'support'), purpose: 'support', categories: ['user.name'] });
      await database.close();

      const sealed = await cliProcess(shop.env, 'audit', 'verify', '--seal');
      assert.equal(sealed.code, 0, sealed.stderr);
      assert.match(sealed.stdout, /Anchor .*audit-head\.json: link \d+ recorded .*, matches the database/);
      const anchor = JSON.parse(readFileSync(join(shop.dataDir, 'audit-head.json'), 'utf8')) as { seq: number; hash: string };

      database = await shop.open();
      await rewriteAuditChainFrom(database.db, 3);
      await database.close();
      const broken = await cli(shop.env, 'audit', 'verify');
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, new RegExp(`BROKEN at link ${anchor.seq} .*rewritten at or before this link`));

      // Accepting the chain as it stands is the privacy officer's act, for a reason, written into the chain.
      const bare = await cli(shop.env, 'audit', 'verify', '--re-anchor');
      assert.equal(bare.code, 2);
      assert.match(bare.stderr, /--dpo/);
      assert.match((await cli(shop.env, 'audit', 'verify', '--re-anchor', '--dpo', 'dana@shop.example')).stderr, /--reason/);
      assert.match((await cli(shop.env, 'audit', 'verify', '--re-anchor', '--dpo', 'dana@shop.example', '--reason', 'incident')).stderr, /--code/);
      const unknown = await cli(shop.env, 'audit', 'verify', '--re-anchor', '--dpo', 'dana@shop.example', '--code', '123456', '--reason', 'incident', '--case', 'INC-7');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /--dpo.*do not identify an active privacy officer/);
      assert.equal((await cli(shop.env, 'staff', 'create', '--name', 'Dana Dpo', '--email', 'dana@shop.example', '--role', 'dpo')).code, 0);
      assert.equal((await cli(shop.env, 'staff', 'create', '--name', 'Olive Owner', '--email', 'olive@shop.example', '--role', 'owner')).code, 0);
      // Both set up their second factor, as at their first sign-in.
      database = await shop.open();
      await sql`update accounts_users set status = 'active' where kind = 'staff'`.execute(database.db);
      const { kernel: shopKernel } = await testKernel(database.db, { keyringPath: shop.keyringPath, anchorPath: null });
      const recovery = new Map<string, string[]>();
      for (const email of ['dana@shop.example', 'olive@shop.example']) {
        const { user } = (await findAccount(shopKernel, database.db, email, 'staff', testActor('t')))!;
        const secret = await startEnrolment(shopKernel, database.db, user);
        recovery.set(email, await finishEnrolment(shopKernel, database.db, user, totpCode(secret, stepAt(new Date())), new Date()));
      }
      await shopKernel.flush();
      await database.close();
      const [first, second] = recovery.get('dana@shop.example')!;
      const reanchor = (email: string, code: string, ...rest: string[]) => cli(shop.env, 'audit', 'verify', '--re-anchor', '--dpo', email, '--code', code, ...rest);
      const owner = await reanchor('olive@shop.example', recovery.get('olive@shop.example')![0]!, '--reason', 'incident', '--case', 'INC-7');
      assert.equal(owner.code, 2, 'an owner is no privacy officer');
      assert.equal((await reanchor('dana@shop.example', '000000', '--reason', 'incident', '--case', 'INC-7')).code, 2, 'a wrong code');
      const misfit = await reanchor('dana@shop.example', first!, '--reason', 'restore');
      assert.equal(misfit.code, 2);
      assert.match(misfit.stderr, /restore does not fit: the anchor is rewritten/);
      assert.equal((await cli(shop.env, 'audit', 'verify')).code, 1, 'nothing was accepted yet');

      const accepted = await reanchor('dana@shop.example', second!, '--reason', 'incident', '--case', 'INC-7');
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(accepted.stdout, /Recorded in the audit chain \(incident; the anchor was rewritten\) and anchored at link \d+/);
      assert.match(accepted.stdout, new RegExp(`The previous anchor \\(link ${anchor.seq}: ${anchor.hash}`));
      assert.equal((await cli(shop.env, 'audit', 'verify')).code, 0);
      database = await shop.open();
      const { rows: acts } = await sql<{ actor_kind: string; actor_role: string; detail: Record<string, unknown> }>`
        select e.actor_kind, e.actor_role, e.detail from privacy_audit_log e join privacy_audit_chain c on c.entry_id = e.id
        where e.action = 'audit.reanchor' and e.outcome = 'ok'`.execute(database.db);
      await database.close();
      assert.equal(acts.length, 1);
      assert.deepEqual([acts[0]!.actor_kind, acts[0]!.actor_role, acts[0]!.detail.reason, acts[0]!.detail.case], ['staff', 'dpo', 'incident', 'INC-7']);
      assert.equal(acts[0]!.detail.previous_anchor, `${anchor.seq}:${anchor.hash}`);
    } finally {
      for (const drop of shop.drops) await drop();
    }
  });

  test(`\`custodian keys drop\` refuses while data keys are still under a retired master key, and drops it once the rotation has completed [${engine}]`, { timeout: 120_000 }, async () => {
    const shop = await shopOn('custodian-cli-keys-drop-');
    try {
      const database = await shop.open();
      await migrate(database.db, allMigrations);
      const { kernel } = await testKernel(database.db, { keyringPath: shop.keyringPath });
      const subjects: string[] = [];
      for (const name of ['Rotated One', 'Rotated Two']) {
        const subject = await kernel.createSubject(database.db, { kind: 'customer', actor: testActor('t'), purpose: 'account' });
        await kernel.write(database.db, { subject, actor: testActor('t'), purpose: 'fulfillment', values: { 'user.name': name } });
        subjects.push(subject);
      }
      const first = kernelInternals(kernel).keyring.activeKeyId();
      // A rotation interrupted before its re-wrap: the new key is active, every data key still under the old one.
      await kernelInternals(kernel).masterKeys.rotate();
      await kernel.close();
      await database.close();

      const early = await cliProcess(shop.env, 'keys', 'drop');
      assert.notEqual(early.code, 0);
      assert.match(early.stderr, /2 data key\(s\) are still wrapped under a retired master key/);
      assert.match(readFileSync(shop.keyringPath, 'utf8'), new RegExp(first), 'nothing was dropped');

      const rewrap = await cli(shop.env, 'keyring', 'rewrap');
      assert.equal(rewrap.code, 0, rewrap.stderr);
      assert.match(rewrap.stdout, /2 data key\(s\) re-wrapped/);
      const dropped = await cli(shop.env, 'keys', 'drop');
      assert.equal(dropped.code, 0, dropped.stderr);
      assert.match(dropped.stdout, new RegExp(`Dropped 1 retired master key\\(s\\): ${first}`));
      assert.doesNotMatch(readFileSync(shop.keyringPath, 'utf8'), new RegExp(first), 'the retired key is gone from the keyring');
      const again = await cli(shop.env, 'keys', 'drop');
      assert.match(again.stdout, /Nothing to drop/);

      // A full rotation (rotate and re-wrap in one command) then a drop; the data still reads.
      const rotated = await cli(shop.env, 'keyring', 'rotate');
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.equal((await cli(shop.env, 'keys', 'drop')).code, 0);
      const reopened = await shop.open();
      const after = await testKernel(reopened.db, { keyringPath: shop.keyringPath });
      assert.equal(kernelInternals(after.kernel).keyring.retiredKeyIds().length, 0);
      const read = await after.kernel.read(reopened.db, { subject: subjects[1]!, actor: testActor('t'), purpose: 'fulfillment', categories: ['user.name'] });
      assert.equal(read.values['user.name'], 'Rotated Two');
      await after.kernel.close();
      await reopened.close();
    } finally {
      for (const drop of shop.drops) await drop();
    }
  });

  test(`\`custodian erasures reconcile\` finishes, in a restored database, the erasures made after its backup [${engine}]`, { timeout: 120_000 }, async () => {
    const shop = await shopOn('custodian-cli-reconcile-');
    try {
      let database = await shop.open();
      await migrate(database.db, allMigrations);
      const { kernel } = await testKernel(database.db, { keyringPath: shop.keyringPath });
      const subject = await kernel.createSubject(database.db, { kind: 'customer', actor: testActor('t'), purpose: 'account' });
      await kernel.write(database.db, { subject, actor: testActor('t'), purpose: 'fulfillment', values: { 'user.name': 'Restored Person' } });
      await database.close();

      // The backup, then the erasure, then the restore of that backup.
      const backup = mkdtempSync(join(tmpdir(), 'custodian-cli-backup-'));
      const dumpFile = join(backup, 'backup.sql');
      if (engine === 'postgres') execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-f', dumpFile, '-d', shop.env.DATABASE_URL!]);
      else cpSync(pgliteDirFor(shop.dataDir), backup, { recursive: true });
      database = await shop.open();
      const later = await testKernel(database.db, { keyringPath: shop.keyringPath });
      await later.kernel.erase(database.db, { subject, actor: testActor('t') });
      await database.close();
      if (engine === 'postgres') {
        const fresh = await createScratchPostgres();
        shop.drops.push(fresh.drop);
        execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', fresh.url, '-f', dumpFile], { stdio: ['ignore', 'ignore', 'pipe'] });
        shop.env.DATABASE_URL = fresh.url;
      } else {
        rmSync(pgliteDirFor(shop.dataDir), { recursive: true });
        cpSync(backup, pgliteDirFor(shop.dataDir), { recursive: true });
      }

      const run = await cliProcess(shop.env, 'erasures', 'reconcile');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Completed 1 erasure/);
      const again = await cli(shop.env, 'erasures', 'reconcile');
      assert.match(again.stdout, /Nothing to do/);
      database = await shop.open();
      const { rows } = await sql<{ status: string; keys: number }>`
        select status, (select count(*)::int from privacy_subject_keys where subject_id = ${subject}::uuid) as keys
        from privacy_subjects where id = ${subject}::uuid`.execute(database.db);
      await database.close();
      assert.deepEqual(rows[0], { status: 'erased', keys: 0 });
    } finally {
      for (const drop of shop.drops) await drop();
    }
  });
}
