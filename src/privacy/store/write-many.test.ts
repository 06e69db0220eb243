// The kernel's batch write (writeMany): many people's items of one category in one statement, each
// person checked and each item audited as write() does, the audit chain intact; all or nothing.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { selfActor, staffActor, testActor } from '../actors.ts';
import { sealAuditLog } from '../audit/seal.ts';
import { verifyAuditLog } from '../audit/verify.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';

const system = testActor('test');
const CPNI = 'user.telecom.cpni';

testEachDatabase('writeMany stores many people’s items in one call, audited per item, and writes nothing when one person is refused', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const people = [];
  for (let i = 0; i < 3; i++) people.push(await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' }));
  const [a, b, c] = people as [string, string, string];
  const auditCount = async (subject: string, outcome = 'ok') =>
    Number((await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where subject_id = ${subject}::uuid and action = 'data.write' and outcome = ${outcome}`.execute(db)).rows[0]!.n);

  await kernel.writeMany(db, {
    actor: system,
    purpose: 'billing',
    category: CPNI,
    items: [
      { subject: a, ref: 'usage:2026-11:x:0', value: { records: [['call', 1, 60]] } },
      { subject: a, ref: 'usage:2026-11:x:1', value: { records: [['sms', 2, 1]] } },
      { subject: b, ref: 'usage:2026-11:y:0', value: { records: [['data', 3, 500]] } },
    ],
  });
  const back = await kernel.readMany(db, {
    actor: selfActor(a),
    purpose: 'billing',
    categories: [CPNI],
    items: [
      { subject: a, ref: 'usage:2026-11:x:1' },
      { subject: a, ref: 'usage:2026-11:x:0' },
    ],
  });
  assert.deepEqual(
    back.map((r) => (r.ok ? r.record.values[CPNI] : r.reason)),
    [{ records: [['sms', 2, 1]] }, { records: [['call', 1, 60]] }],
  );
  const item = (await kernel.read(db, { subject: b, actor: system, purpose: 'billing', categories: [CPNI], ref: 'usage:2026-11:y:0' })).items[0]!;
  assert.equal(item.purpose, 'billing');
  assert.equal(Math.round((item.retainUntil.getTime() - item.collectedAt.getTime()) / 86_400_000), 540, 'kept as the data map says');
  assert.equal(await auditCount(a), 2, 'one audit entry per item');
  assert.equal(await auditCount(b), 1);

  // A staff role without CPNI is refused, audited, nothing written.
  await assert.rejects(
    kernel.writeMany(db, { actor: staffActor('staff-1', 'owner'), purpose: 'billing', category: CPNI, items: [{ subject: c, ref: 'usage:2026-11:z:0', value: 1 }] }),
    PrivacyRefusal,
  );
  // One erased person in the batch: nothing of the batch is written, the refusal is audited.
  await kernel.erase(db, { subject: c, actor: system });
  await assert.rejects(
    kernel.writeMany(db, {
      actor: system,
      purpose: 'billing',
      category: CPNI,
      items: [
        { subject: a, ref: 'usage:2026-12:w:0', value: 1 },
        { subject: c, ref: 'usage:2026-12:w:0', value: 2 },
      ],
    }),
    (err: unknown) => err instanceof Error && /erased/.test(err.message),
  );
  const after = await kernel.readMany(db, { actor: system, purpose: 'billing', categories: [CPNI], items: [{ subject: a, ref: 'usage:2026-12:w:0' }] });
  assert.deepEqual(after[0]!.ok && after[0]!.record.items, [], 'all or nothing');
  assert.equal(await auditCount(a), 2);
  assert.ok((await auditCount(c, 'refused')) >= 1);
  await assert.rejects(
    kernel.writeMany(db, {
      actor: system,
      purpose: 'billing',
      category: CPNI,
      items: [
        { subject: a, ref: 'r', value: 1 },
        { subject: a, ref: 'r', value: 2 },
      ],
    }),
    /each subject and ref once/,
  );

  await kernel.flush();
  await sealAuditLog(db);
  const report = await verifyAuditLog(db);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  await kernel.close();
});
