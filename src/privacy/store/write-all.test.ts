// The kernel's several-writes call (writeAll): one person's items under several purposes and refs
// in one statement, each write checked and audited as write() does, the audit chain intact; all or nothing.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../actors.ts';
import { sealAuditLog } from '../audit/seal.ts';
import { verifyAuditLog } from '../audit/verify.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';

const system = testActor('test');

testEachDatabase('writeAll writes several purposes and refs in one call, one audit entry per write, and nothing when one write is refused', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const writes = async () =>
    (
      await sql<{
        purpose: string;
        categories: string[];
      }>`select purpose, categories from privacy_audit_log where subject_id = ${subject}::uuid and action = 'data.write' and outcome = 'ok' order by id`.execute(db)
    ).rows;

  await kernel.writeAll(db, {
    subject,
    actor: system,
    writes: [
      { purpose: 'fulfillment', ref: 'order:1', values: { 'user.name': 'Ada Byron', 'user.contact.address': { line1: '1 Lane', country: 'GB' } } },
      { purpose: 'account', ref: 'order:1', values: { 'user.demographic.age_range': { statement: 'adult', at: 'checkout' } } },
      { purpose: 'account', values: { 'user.contact.email': 'ada@example.test' } },
    ],
  });
  const record = await kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.name', 'user.contact.address'], ref: 'order:1' });
  assert.deepEqual(record.values, { 'user.name': 'Ada Byron', 'user.contact.address': { line1: '1 Lane', country: 'GB' } });
  const age = (await kernel.read(db, { subject, actor: system, purpose: 'account', categories: ['user.demographic.age_range'], ref: 'order:1' })).items[0]!;
  assert.equal(age.purpose, 'account', 'each item keeps the purpose of its own write');
  assert.deepEqual(await kernel.findSubjects(db, { actor: system, purpose: 'account', category: 'user.contact.email', value: 'ada@example.test' }), [subject], 'the blind index is written');
  assert.deepEqual(
    (await writes()).map((w) => [w.purpose, [...w.categories].sort()]),
    [
      ['fulfillment', ['user.contact.address', 'user.name']],
      ['account', ['user.demographic.age_range']],
      ['account', ['user.contact.email']],
    ],
    'one entry per write, with its purpose and categories',
  );

  // A purpose whose database conditions fail (no consent recorded): the whole call writes nothing, the refusal is audited.
  await assert.rejects(
    kernel.writeAll(db, {
      subject,
      actor: system,
      writes: [
        { purpose: 'account', ref: 'order:2', values: { 'user.name': 'Ada B.' } },
        { purpose: 'newsletters', ref: 'order:2', values: { 'user.contact.email': 'ada@example.test' } },
      ],
    }),
    (err: unknown) => err instanceof PrivacyRefusal && err.reason === 'consent-missing',
  );
  const none = await kernel.read(db, { subject, actor: system, purpose: 'account', categories: ['user.name'], ref: 'order:2' });
  assert.deepEqual(none.items, [], 'all or nothing');
  assert.equal((await writes()).length, 3);
  const refused = await sql<{
    n: number;
  }>`select count(*)::int as n from privacy_audit_log where subject_id = ${subject}::uuid and action = 'data.write' and outcome = 'refused' and purpose = 'newsletters'`.execute(db);
  assert.equal(refused.rows[0]!.n, 1);

  await assert.rejects(
    kernel.writeAll(db, {
      subject,
      actor: system,
      writes: [
        { purpose: 'account', ref: 'r', values: { 'user.name': 'A' } },
        { purpose: 'fulfillment', ref: 'r', values: { 'user.name': 'B' } },
      ],
    }),
    /each category and ref once/,
  );

  await kernel.flush();
  await sealAuditLog(db);
  const report = await verifyAuditLog(db);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  await kernel.close();
});

testEachDatabase('createSubject with values writes the first items in the creating statement, audited as a write; a purpose that needs consent is refused as write refuses it', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account', values: { 'user.name': 'Ada Byron', 'user.contact.email': 'ada@example.test' } });
  const record = await kernel.read(db, { subject, actor: system, purpose: 'account', categories: ['user.name', 'user.contact.email'] });
  assert.deepEqual(record.values, { 'user.name': 'Ada Byron', 'user.contact.email': 'ada@example.test' });
  assert.equal(record.items[0]!.purpose, 'account');
  assert.deepEqual(await kernel.findSubjects(db, { actor: system, purpose: 'account', category: 'user.contact.email', value: 'ada@example.test' }), [subject]);
  const entries = await sql<{ action: string; purpose: string | null }>`select action, purpose from privacy_audit_log where subject_id = ${subject}::uuid order by id`.execute(db);
  assert.deepEqual(
    entries.rows.slice(0, 3).map((e) => e.action),
    ['subject.create', 'key.create', 'data.write'],
  );

  await assert.rejects(
    kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'newsletters', values: { 'user.contact.email': 'bo@example.test' } }),
    (err: unknown) => err instanceof PrivacyRefusal && err.reason === 'consent-missing',
  );
  const refused = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where action = 'data.write' and outcome = 'refused' and purpose = 'newsletters'`.execute(db);
  assert.equal(refused.rows[0]!.n, 1);

  await kernel.flush();
  await sealAuditLog(db);
  const report = await verifyAuditLog(db);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  await kernel.close();
});
