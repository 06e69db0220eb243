// Forgetting some of a person's items (kernel.forget): only the categories asked under the ref and
// refs below it go, only for an actor and purpose that may write them, and each call is audited.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { staffActor, testActor } from './actors.ts';
import { isPrivacyRefusal } from './refusals.ts';
import { testKernel } from './testing.ts';

testEachDatabase('kernel: forget deletes the items of the categories under a ref and below it, refuses a purpose that may not write them, and audits both', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const system = testActor('test');
  const fraud = testActor('fraud');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  for (const n of [0, 1]) await kernel.write(db, { subject, actor: fraud, purpose: 'fraud-prevention', ref: `doc:${n}`, values: { 'user.government_id': { part: n } } });
  await kernel.write(db, { subject, actor: fraud, purpose: 'fraud-prevention', ref: 'document', values: { 'user.government_id': { other: true } } });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', ref: 'doc', values: { 'user.name': 'Kept Name' } });
  const items = async () => (await sql<{ ref: string; category: string }>`select ref, category from privacy_items where subject_id = ${subject} order by ref, category`.execute(db)).rows;

  // An owner may not change proof of identity: refused and audited, nothing deleted.
  const owner = staffActor('00000000-0000-4000-8000-000000000001', 'owner');
  await assert.rejects(kernel.forget(db, { subject, actor: owner, purpose: 'fraud-prevention', categories: ['user.government_id'], ref: 'doc' }), (err: unknown) => isPrivacyRefusal(err));
  assert.equal((await items()).length, 4);

  assert.equal(await kernel.forget(db, { subject, actor: fraud, purpose: 'fraud-prevention', categories: ['user.government_id'], ref: 'doc' }), 2);
  assert.deepEqual(await items(), [
    { ref: 'doc', category: 'user.name' },
    { ref: 'document', category: 'user.government_id' },
  ]);
  assert.equal(await kernel.forget(db, { subject, actor: fraud, purpose: 'fraud-prevention', categories: ['user.government_id'], ref: 'doc' }), 0, 'again: nothing left');
  await kernel.flush();
  const audited = (await sql<{ outcome: string }>`select outcome from privacy_audit_log where action = 'data.purge' and subject_id = ${subject} order by id`.execute(db)).rows.map((r) => r.outcome);
  assert.deepEqual(audited, ['refused', 'ok', 'ok']);
});
