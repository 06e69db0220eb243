// A disclosure records what left (decision 0049): the categories asked for and, beside them, those
// the person held a value of. Both are in the row its audit entry binds, so changing what the ledger
// says was released fails verify; the report reads the released ones. After erasure the rows stay
// readable by order, marked erased.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor, testActor } from '../actors.ts';
import { sealAuditLog } from '../audit/seal.ts';
import { verifyAuditLog } from '../audit/verify.ts';
import { testKernel } from '../testing.ts';

const system = testActor('test');
const packer = staffActor('staff-pack', 'fulfilment');
const dpo = staffActor('staff-dpo', 'dpo');

async function tamper(db: Db, statement: ReturnType<typeof sql>) {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await statement.execute(trx);
  });
}

testEachDatabase('a disclosure records the categories released (those with a value) beside those asked; the digest binds both; erased people’s rows stay readable by order', async ({ db }) => {
  const { kernel } = await testKernel(db, { anchorPath: null });
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', ref: 'order:o-1', values: { 'user.name': 'Phoneless Person', 'user.contact.address': { street: '5 Elm St' } } });
  const asked = ['user.name', 'user.contact.address', 'user.contact.phone_number'];
  const shared = await kernel.disclose(db, { subject, recipient: 'carriers', categories: asked, purpose: 'fulfillment', basis: 'fulfillment', order: 'o-1', ref: 'order:o-1', actor: packer });
  assert.deepEqual(Object.keys(shared.values).sort(), ['user.contact.address', 'user.name']);

  const [record] = await kernel.disclosuresOf(db, { subject, actor: system, purpose: 'fulfillment' });
  assert.deepEqual(record!.asked, asked);
  assert.deepEqual(record!.categories, ['user.name', 'user.contact.address'], 'the report says what left');
  assert.equal(record!.subjectErased, false);
  // The statement carries an entry for each subset of the categories asked and writes only the one naming those held.
  const entries = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where detail->>'disclosure_id' = ${shared.id}`.execute(db);
  assert.equal(entries.rows[0]!.n, 1, 'one audit entry per disclosure');

  await sealAuditLog(db);
  assert.ok((await verifyAuditLog(db)).ok);
  await tamper(db, sql`update privacy_disclosures set released = categories where id = ${shared.id}::uuid`);
  const widened = await verifyAuditLog(db);
  assert.match(widened.firstBroken?.problem ?? '', new RegExp(`disclosure ${shared.id} differs from what its audit entry recorded`));
  await tamper(db, sql`update privacy_disclosures set released = array['user.name', 'user.contact.address'] where id = ${shared.id}::uuid`);
  assert.ok((await verifyAuditLog(db)).ok, 'put back, it verifies');

  // Erased: the row is evidence, read by the order, the person marked erased; nothing personal in it.
  await kernel.erase(db, { subject, actor: system });
  const after = await kernel.orderDisclosures(db, { order: 'o-1', actor: dpo, purpose: 'data-rights' });
  assert.deepEqual(
    after.map((d) => [d.recipient, d.categories, d.subjectErased]),
    [['carriers', ['user.name', 'user.contact.address'], true]],
  );
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where action = 'disclosure.read' and subject_id = ${subject}::uuid and actor_role = 'dpo'`.execute(db);
  assert.equal(rows[0]!.n, 1, 'the officer’s read is audited');
  assert.deepEqual(await kernel.orderDisclosures(db, { order: 'o-unknown', actor: dpo, purpose: 'data-rights' }), []);
  // A role that may not use the purpose is refused, as for any ledger read.
  await assert.rejects(kernel.orderDisclosures(db, { order: 'o-1', actor: staffActor('staff-pack', 'fulfilment'), purpose: 'data-rights' }));
});
