import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor, testActor } from '../actors.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';

testEachDatabase('where disclosure requests stand: asked, decided, used; support is refused and every look is audited', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const system = testActor('test');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Bea Followed' } });
  const dpo = staffActor('00000000-0000-4000-8000-00000000d0d0', 'dpo');
  const owner = staffActor('00000000-0000-4000-8000-00000000aaaa', 'owner');
  const court = { subject, recipient: 'courts', categories: ['user.name'], purpose: 'legal-compliance', basis: 'court-order' };
  const asked = await kernel.requestDisclosure(db, { ...court, actor: owner });
  const used = await kernel.requestDisclosure(db, { ...court, actor: owner });
  const rejected = await kernel.requestDisclosure(db, { ...court, actor: owner });
  await kernel.decideDisclosure(db, { approval: used, decision: 'approved', actor: dpo });
  await kernel.decideDisclosure(db, { approval: rejected, decision: 'rejected', actor: dpo });
  const released = await kernel.disclose(db, { ...court, actor: dpo, approval: used });

  const states = new Map((await kernel.approvalStates(db, { actor: owner, ids: [asked, used, rejected, 'not-an-id'] })).map((s) => [s.id, s]));
  assert.equal(states.size, 3);
  assert.deepEqual([states.get(asked)!.decision, states.get(asked)!.disclosure], [null, null]);
  assert.deepEqual([states.get(used)!.decision, states.get(used)!.disclosure, states.get(used)!.decidedBy], ['approved', released.id, dpo.kind === 'staff' ? dpo.staffId : '']);
  assert.deepEqual([states.get(rejected)!.decision, states.get(rejected)!.disclosure], ['rejected', null]);
  assert.deepEqual(states.get(asked)!.categories, ['user.name']);
  assert.ok(!JSON.stringify([...states.values()]).includes('Bea'), 'no personal value');

  await assert.rejects(
    kernel.approvalStates(db, { actor: staffActor('00000000-0000-4000-8000-00000000cccc', 'support'), ids: [asked] }),
    (err: unknown) => err instanceof PrivacyRefusal && err.reason === 'not-dpo',
  );
  await kernel.flush();
  const { rows } = await sql<{ outcome: string; n: number }>`
    select outcome, count(*)::int as n from privacy_audit_log where action = 'disclosure.list' group by outcome order by outcome`.execute(db);
  assert.deepEqual(
    rows.map((r) => [r.outcome, r.n]),
    [
      ['ok', 1],
      ['refused', 1],
    ],
  );
});
