import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { staffActor, testActor } from './actors.ts';
import type { PrivacyEvidence } from './evidence.ts';
import { PrivacyRefusal } from './refusals.ts';
import { testKernel } from './testing.ts';

const system = testActor('test');
const dpo = staffActor('00000000-0000-4000-8000-00000000d0d0', 'dpo');
const owner = staffActor('00000000-0000-4000-8000-00000000aaaa', 'owner');

const tally = (e: PrivacyEvidence, action: string, outcome: string, reason: string | null = null) =>
  e.audit.filter((t) => t.action === action && t.outcome === outcome && (reason === null || t.reason === reason)).reduce((n, t) => n + t.count, 0);

testEachDatabase('evidence: the ledgers as counts for the DPO and owners (no personal value); others are refused; each look is audited', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const before = await kernel.evidence(db, dpo);
  assert.deepEqual(before.disclosures, []);
  assert.deepEqual(before.approvals, { pending: 0, approved: 0, rejected: 0 });
  assert.deepEqual(before.purged, { erasedItems: 0, expiredItems: 0 });
  assert.equal(tally(before, 'policy.publish', 'ok'), kernel.map.policyVersions.length, 'the versions published at the first start');

  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Evangeline Tallyworth', 'user.contact.address': { street: '3 Counting House Lane' } } });
  await kernel.read(db, { subject, actor: staffActor('s-ful', 'fulfilment'), purpose: 'fulfillment', categories: ['user.name'] });
  await assert.rejects(kernel.read(db, { subject, actor: system, purpose: 'offers', categories: ['user.contact.address'] }), PrivacyRefusal);
  await kernel.recordConsent(db, { subject, purpose: 'offers', action: 'withdraw', channel: 'web', actor: system });
  await kernel.disclose(db, { subject, recipient: 'carriers', categories: ['user.name', 'user.contact.address'], purpose: 'fulfillment', basis: 'fulfillment', order: 'order-1', actor: system });
  await kernel.requestDisclosure(db, { subject, recipient: 'courts', categories: ['user.name'], purpose: 'legal-compliance', basis: 'court-order', actor: owner });
  await kernel.recordNotices(db, { subject, kind: 'erasure', actor: system });
  const gone = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.erase(db, { subject: gone, actor: system });

  const after = await kernel.evidence(db, owner);
  assert.equal(tally(after, 'data.read', 'ok') - tally(before, 'data.read', 'ok'), 1);
  assert.deepEqual(
    after.audit.filter((t) => t.action === 'data.read' && t.outcome === 'ok').map((t) => [t.actorKind, t.purpose, t.count]),
    [['staff', 'fulfillment', 1]],
  );
  assert.equal(tally(after, 'data.read', 'refused', 'purpose-may-not-use-category'), 1);
  assert.equal(tally(after, 'subject.erase', 'ok'), 1);
  assert.equal(tally(after, 'evidence.read', 'ok'), 1, 'the first look is on record (this one is recorded after its counts)');
  assert.deepEqual(after.disclosures, [{ recipient: 'carriers', basis: 'fulfillment', purpose: 'fulfillment', count: 1 }]);
  assert.deepEqual(after.approvals, { pending: 1, approved: 0, rejected: 0 });
  assert.deepEqual(after.consents, [{ purpose: 'offers', action: 'withdraw', count: 1 }]);
  assert.deepEqual(after.subjects, [
    { kind: 'customer', status: 'active', count: 1 },
    { kind: 'customer', status: 'erased', count: 1 },
  ]);
  assert.deepEqual(after.notices, [{ kind: 'erasure', delivered: 0, pending: 1 }]);
  assert.ok(after.chain.pending > 0 && after.chain.sealed === 0, 'nothing sealed yet: the sealer job has not run');
  const shown = JSON.stringify(after);
  for (const secret of ['Evangeline', 'Tallyworth', 'Counting House', subject, gone]) assert.ok(!shown.includes(secret), `no personal value or subject id (${secret})`);

  for (const actor of [staffActor('s-sup', 'support'), staffActor('s-acc', 'accountant'), system]) {
    await assert.rejects(kernel.evidence(db, actor), (e) => e instanceof PrivacyRefusal && e.reason === 'not-dpo');
  }
  await kernel.flush();
  const { rows } = await sql<{ outcome: string; n: number }>`
    select outcome, count(*)::int as n from privacy_audit_log where action = 'evidence.read' group by outcome order by outcome`.execute(db);
  assert.deepEqual(
    rows.map((r) => [r.outcome, r.n]),
    [
      ['ok', 2],
      ['refused', 3],
    ],
  );
});
