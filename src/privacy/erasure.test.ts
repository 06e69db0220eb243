import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { testEngines } from '../platform/testing/databases.ts';
import { findPersonalData, personalData } from '../platform/testing/personal-data.ts';
import { allMigrations } from '../modules.ts';
import { selfActor, staffActor, testActor } from './actors.ts';
import { SubjectErased } from './refusals.ts';
import { sweepItems } from './erasure.ts';
import { testKernel } from './testing.ts';
import { storeFor } from './testing-backups.ts';
import type { PrivacyKernel } from './kernel.ts';
import type { Logger } from '../platform/logger.ts';
import { kernelInternals } from './internals.ts';

const system = testActor('test');

async function writePerson(db: Db, kernel: PrivacyKernel): Promise<string> {
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, {
    subject,
    actor: system,
    purpose: 'fulfillment',
    values: {
      'user.name': personalData.name,
      'user.contact.email': personalData.email,
      'user.contact.phone_number': personalData.phone,
      'user.contact.address': { street: personalData.street, city: 'London' },
    },
  });
  await kernel.write(db, { subject, actor: system, purpose: 'billing', values: { 'user.financial.bank_account': personalData.iban } });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', ref: 'order-1', values: { 'user.contact.address': { street: personalData.street } } });
  await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'email', actor: selfActor(subject), evidence: `reply from ${personalData.email}` });
  return subject;
}

const readAll = (kernel: PrivacyKernel, db: Db, subject: string) =>
  kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.name', 'user.contact.email', 'user.contact.address'] });

for (const engine of testEngines()) {
  test(`a dump of the database files holds no plaintext name, email, address, phone or bank number [${engine}]`, { timeout: 120_000 }, async () => {
    const store = await storeFor(engine);
    try {
      let database = await store.open();
      await migrate(database.db, allMigrations);
      const { kernel } = await testKernel(database.db);
      const subject = await writePerson(database.db, kernel);
      assert.equal((await readAll(kernel, database.db, subject)).values['user.name'], personalData.name);
      await kernel.findSubjects(database.db, { category: 'user.contact.email', value: personalData.email, actor: staffActor('s', 'support'), purpose: 'support' });
      await database.close();
      assert.deepEqual(findPersonalData(await store.dump()), []);

      // The search does find plaintext when there is some: a table outside the kernel holding a name.
      database = await store.open();
      await sql`create table leak_control (note text)`.execute(database.db);
      await sql`insert into leak_control values (${personalData.name})`.execute(database.db);
      await database.close();
      assert.ok(findPersonalData(await store.dump()).some((f) => f.startsWith('name')));
    } finally {
      await store.cleanup();
    }
  });

  test(`kernel: erasure shreds the data key: the person is unreadable at once, and in a backup taken before erasure and restored into a fresh database [${engine}]`, { timeout: 120_000 }, async () => {
    const store = await storeFor(engine);
    try {
      let database = await store.open();
      await migrate(database.db, allMigrations);
      let t = await testKernel(database.db);
      const keyringPath = t.keyringPath;
      const erased = await writePerson(database.db, t.kernel);
      const kept = await t.kernel.createSubject(database.db, { kind: 'customer', actor: system, purpose: 'account' });
      await t.kernel.write(database.db, { subject: kept, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Kept Customer' } });
      // A record another duty requires: the order's amount and date, without personal data.
      await sql`create table test_orders (id text primary key, subject_id uuid not null, amount_minor integer not null, placed_at timestamptz not null)`.execute(database.db);
      await sql`insert into test_orders values ('order-1', ${erased}::uuid, 4990, '2025-02-03T10:00:00Z')`.execute(database.db);
      await database.close();

      const restore = await store.backup();

      database = await store.open();
      t = await testKernel(database.db, { keyringPath });
      const result = await t.kernel.erase(database.db, { subject: erased, actor: selfActor(erased) });
      assert.deepEqual(result, { erased: true, alreadyErased: false });
      await assert.rejects(readAll(t.kernel, database.db, erased), SubjectErased);
      assert.deepEqual(await t.kernel.findSubjects(database.db, { category: 'user.contact.email', value: personalData.email, actor: staffActor('s', 'support'), purpose: 'support' }), []);
      assert.equal((await readAll(t.kernel, database.db, kept)).values['user.name'], 'Kept Customer');
      const { rows: order } = await sql<{ amount_minor: number; placed_at: Date }>`select amount_minor, placed_at from test_orders where id = 'order-1'`.execute(database.db);
      assert.equal(order[0]!.amount_minor, 4990);
      assert.equal(new Date(order[0]!.placed_at).toISOString(), '2025-02-03T10:00:00.000Z');
      const { rows: keys } = await sql<{ n: number }>`select count(*)::int as n from privacy_subject_keys where subject_id = ${erased}::uuid`.execute(database.db);
      assert.equal(keys[0]!.n, 0);
      const swept = await sweepItems(database.db);
      assert.equal(swept.erased, 6);
      assert.deepEqual(await t.kernel.erase(database.db, { subject: erased, actor: system }), { erased: false, alreadyErased: true });
      await database.close();

      // The backup from before the erasure, restored into a fresh database, with the same keyring.
      const restored = await restore();
      try {
        const { rows: before } = await sql<{ leaf: number; n: number }>`
          select k.leaf, (select count(*)::int from privacy_items i where i.subject_id = k.subject_id) as n
          from privacy_subject_keys k where k.subject_id = ${erased}::uuid`.execute(restored.db);
        assert.equal(before[0]!.n, 6, 'the backup still holds the ciphertexts and the wrapped key');
        // A kernel that does not reconcile at start (as a process already running when the
        // database was restored): the erased person's key row is back, yet nothing opens it.
        const again = await testKernel(restored.db, { keyringPath, reconcileErasures: false });
        assert.equal(kernelInternals(again.kernel).keyring.leafSecret(Number(before[0]!.leaf)), null, 'nothing in the keyring can derive the erased key');
        await assert.rejects(readAll(again.kernel, restored.db, erased), SubjectErased);
        assert.equal((await again.kernel.consentLedger(restored.db, { subject: erased, actor: testActor('test'), purpose: 'data-rights' }))[0]!.evidence, null, 'consent evidence is unreadable too');
        assert.deepEqual(await again.kernel.findSubjects(restored.db, { category: 'user.contact.email', value: personalData.email, actor: staffActor('s', 'support'), purpose: 'support' }), []);
        assert.equal((await readAll(again.kernel, restored.db, kept)).values['user.name'], 'Kept Customer');
        assert.equal(await again.kernel.reconcileErasures(restored.db), 1);
        const { rows: status } = await sql<{ status: string }>`select status from privacy_subjects where id = ${erased}::uuid`.execute(restored.db);
        assert.equal(status[0]!.status, 'erased');
      } finally {
        await restored.close();
      }
    } finally {
      await store.cleanup();
    }
  });

  test(`kernel: a database restored from before an erasure gets that erasure completed when the kernel starts [${engine}]`, { timeout: 120_000 }, async () => {
    const store = await storeFor(engine);
    try {
      let database = await store.open();
      await migrate(database.db, allMigrations);
      const first = await testKernel(database.db);
      const keyringPath = first.keyringPath;
      const erased = await writePerson(database.db, first.kernel);
      const kept = await first.kernel.createSubject(database.db, { kind: 'customer', actor: system, purpose: 'account' });
      await first.kernel.write(database.db, { subject: kept, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Kept Customer' } });
      await database.close();
      const restore = await store.backup();

      database = await store.open();
      const second = await testKernel(database.db, { keyringPath });
      assert.deepEqual(await second.kernel.erase(database.db, { subject: erased, actor: selfActor(erased) }), { erased: true, alreadyErased: false });
      await database.close();

      const restored = await restore();
      try {
        const state = async () => {
          const { rows } = await sql<{ status: string; keys: number; indexes: number }>`
            select s.status, (select count(*)::int from privacy_subject_keys k where k.subject_id = s.id) as keys,
              (select count(*)::int from privacy_blind_indexes b where b.subject_id = s.id) as indexes
            from privacy_subjects s where s.id = ${erased}::uuid`.execute(restored.db);
          return rows[0]!;
        };
        assert.deepEqual(await state(), { status: 'active', keys: 1, indexes: 1 }, 'the backup predates the erasure');

        const lines: { level: string; obj: Record<string, unknown> }[] = [];
        const log = Object.fromEntries(['info', 'debug', 'warn', 'error'].map((level) => [level, (obj: Record<string, unknown>) => lines.push({ level, obj })])) as unknown as Logger;
        const started = await testKernel(restored.db, { keyringPath, log });
        assert.deepEqual(await state(), { status: 'erased', keys: 0, indexes: 0 });
        assert.ok(
          lines.some((l) => l.level === 'info' && l.obj.completed === 1),
          JSON.stringify(lines),
        );
        const { rows: audit } = await sql<{ action: string; actor_id: string }>`
          select action, actor_id from privacy_audit_log where subject_id = ${erased}::uuid and action in ('subject.erase', 'key.destroy') order by id`.execute(restored.db);
        assert.deepEqual(
          audit.slice(-2).map((r) => [r.action, r.actor_id]),
          [
            ['subject.erase', 'privacy.reconcile-restore'],
            ['key.destroy', 'privacy.reconcile-restore'],
          ],
        );
        await assert.rejects(readAll(started.kernel, restored.db, erased), SubjectErased);
        assert.equal((await readAll(started.kernel, restored.db, kept)).values['user.name'], 'Kept Customer');
        // The next start finds nothing left to do.
        assert.equal(await started.kernel.reconcileErasures(restored.db), 0);
      } finally {
        await restored.close();
      }
    } finally {
      await store.cleanup();
    }
  });
}
