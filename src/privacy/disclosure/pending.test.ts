import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor, testActor } from '../actors.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';

testEachDatabase('the DPO lists disclosure requests awaiting a decision, without personal values; others are refused; every listing is audited', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const system = testActor('test');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Bea Listable', 'user.contact.address': { street: '9 Quince Row' } } });
  const dpo = staffActor('00000000-0000-4000-8000-00000000d0d0', 'dpo');
  const owner = staffActor('00000000-0000-4000-8000-00000000aaaa', 'owner');
  const accountant = staffActor('00000000-0000-4000-8000-00000000acc0', 'accountant');
  const court = { subject, recipient: 'courts', categories: ['user.name', 'user.contact.address'], purpose: 'legal-compliance', basis: 'court-order' };
  assert.deepEqual(await kernel.pendingDisclosureRequests(db, dpo), []);
  const first = await kernel.requestDisclosure(db, { ...court, actor: owner });
  const second = await kernel.requestDisclosure(db, {
    subject,
    recipient: 'credit-agency',
    categories: ['user.name'],
    purpose: 'collections',
    basis: 'collections',
    order: 'C-100042',
    actor: accountant,
  });

  const listed = await kernel.pendingDisclosureRequests(db, dpo);
  assert.deepEqual(
    listed.map((r) => r.id),
    [first, second],
    'oldest first',
  );
  assert.deepEqual(
    {
      recipient: listed[1]!.recipient,
      categories: listed[1]!.categories,
      basis: listed[1]!.basis,
      purpose: listed[1]!.purpose,
      order: listed[1]!.order,
      by: listed[1]!.requestedBy,
      subject: listed[1]!.subject,
    },
    { recipient: 'credit-agency', categories: ['user.name'], basis: 'collections', purpose: 'collections', order: 'C-100042', by: accountant.kind === 'staff' ? accountant.staffId : '', subject },
  );
  assert.equal(listed[0]!.recipientName, kernel.map.recipients.get('courts')!.name);
  assert.ok(listed[0]!.requestedAt instanceof Date);
  assert.doesNotMatch(JSON.stringify(listed), /Bea Listable|Quince/, 'no personal value is listed');
  assert.equal((await kernel.pendingDisclosureRequests(db, owner)).length, 2, 'owners may list too');

  await kernel.decideDisclosure(db, { approval: first, decision: 'approved', actor: dpo });
  assert.deepEqual(
    (await kernel.pendingDisclosureRequests(db, dpo)).map((r) => r.id),
    [second],
    'a decided request leaves the list',
  );

  for (const actor of [accountant, staffActor('s', 'support'), system]) {
    await assert.rejects(kernel.pendingDisclosureRequests(db, actor), (e) => e instanceof PrivacyRefusal && e.reason === 'not-dpo');
  }
  await kernel.flush();
  const { rows } = await sql<{ outcome: string; n: number }>`
    select outcome, count(*)::int as n from privacy_audit_log where action = 'disclosure.list' group by outcome order by outcome`.execute(db);
  assert.deepEqual(
    rows.map((r) => [r.outcome, r.n]),
    [
      ['ok', 4],
      ['refused', 3],
    ],
  );
});
