import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { selfActor, staffActor, testActor, vendorActor } from '../actors.ts';
import type { PrivacyKernel } from '../kernel.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';

const system = testActor('test');
const dpo = staffActor('staff-dpo', 'dpo');
const support = staffActor('staff-support', 'support');

async function refusal(promise: Promise<unknown>): Promise<PrivacyRefusal> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PrivacyRefusal) return err;
    throw err;
  }
  assert.fail('expected a privacy refusal');
}

async function buyer(db: Db, kernel: PrivacyKernel): Promise<string> {
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, {
    subject,
    actor: system,
    purpose: 'fulfillment',
    values: { 'user.name': 'Bea Buyer', 'user.contact.email': 'bea@example.test', 'user.contact.phone_number': '+1 207 555 0199', 'user.contact.address': { street: '5 Elm St' } },
  });
  await kernel.write(db, { subject, actor: system, purpose: 'billing', values: { 'user.telecom.cpni': { plan: 'fiber 1G', calls: 37 } } });
  return subject;
}

async function ledger(db: Db, subject: string) {
  const { rows } = await sql<{ recipient: string; basis: string; categories: string[]; order_ref: string | null; at: Date }>`
    select recipient, basis, categories, order_ref, at from privacy_disclosures where subject_id = ${subject}::uuid order by at`.execute(db);
  return rows;
}

testEachDatabase('a recipient gets only the categories it is declared to receive, tied to an order, and each share is ledgered', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await buyer(db, kernel);
  const packer = staffActor('staff-pack', 'fulfilment');
  const refused = await refusal(
    kernel.disclose(db, { subject, recipient: 'carriers', categories: ['user.name', 'user.contact.email'], purpose: 'fulfillment', basis: 'fulfillment', order: 'order-1', actor: packer }),
  );
  assert.equal(refused.reason, 'recipient-may-not-receive');
  assert.match(refused.message, /user\.contact\.email/);
  assert.equal(
    (await refusal(kernel.disclose(db, { subject, recipient: 'carriers', categories: ['user.name'], purpose: 'fulfillment', basis: 'fulfillment', actor: packer }))).reason,
    'order-required',
  );
  const shared = await kernel.disclose(db, {
    subject,
    recipient: 'carriers',
    recipientRef: 'UPS',
    categories: ['user.name', 'user.contact.address', 'user.contact.phone_number'],
    purpose: 'fulfillment',
    basis: 'fulfillment',
    order: 'order-1',
    actor: packer,
  });
  assert.deepEqual(Object.keys(shared.values).sort(), ['user.contact.address', 'user.contact.phone_number', 'user.name']);
  const rows = await ledger(db, subject);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    [rows[0]!.recipient, rows[0]!.basis, rows[0]!.order_ref, rows[0]!.categories],
    ['carriers', 'fulfillment', 'order-1', ['user.name', 'user.contact.address', 'user.contact.phone_number']],
  );
  await assert.rejects(sql`delete from privacy_disclosures`.execute(db), /append-only/);
});

testEachDatabase('there is no basis to sell data or hand out marketing lists; such a share is refused and audited', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await buyer(db, kernel);
  for (const basis of ['sale', 'marketing-list', 'marketing', 'survey-list', 'partners']) {
    const refused = await refusal(
      kernel.disclose(db, { subject, recipient: 'vendors', categories: ['user.name', 'user.contact.email'], purpose: 'fulfillment', basis, order: 'o-1', actor: staffActor('staff-owner', 'owner') }),
    );
    assert.equal(refused.reason, 'basis-unknown', basis);
  }
  // Nor is there any recipient outside the order's fulfilment chain to give it to.
  assert.equal(
    (await refusal(kernel.disclose(db, { subject, recipient: 'list-broker', categories: ['user.contact.email'], purpose: 'newsletters', basis: 'consent', actor: system }))).reason,
    'unknown-recipient',
  );
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where subject_id = ${subject}::uuid and action = 'disclosure' and outcome = 'refused'`.execute(db);
  assert.equal(rows[0]!.n, 6);
  assert.equal((await ledger(db, subject)).length, 0);
});

testEachDatabase("a disclosure outside fulfilment needs a basis from the fixed list and the DPO's approval, and lands in the ledger", async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await buyer(db, kernel);
  const request = { subject, recipient: 'courts', categories: ['user.name', 'user.contact.address'], purpose: 'legal-compliance', basis: 'court-order', actor: dpo };
  assert.equal((await refusal(kernel.disclose(db, request))).reason, 'dpo-approval-required');

  const approval = await kernel.requestDisclosure(db, { ...request, actor: staffActor('staff-owner', 'owner') });
  assert.equal((await refusal(kernel.disclose(db, { ...request, approval }))).reason, 'approval-invalid');
  assert.equal((await refusal(kernel.decideDisclosure(db, { approval, decision: 'approved', actor: support }))).reason, 'not-dpo');
  await kernel.decideDisclosure(db, { approval, decision: 'approved', actor: dpo });
  assert.equal((await refusal(kernel.decideDisclosure(db, { approval, decision: 'rejected', actor: dpo }))).reason, 'approval-invalid');
  // The approval covers name and address only.
  assert.equal((await refusal(kernel.disclose(db, { ...request, categories: ['user.name', 'user.contact.email'], approval }))).reason, 'approval-invalid');
  const released = await kernel.disclose(db, { ...request, approval });
  assert.equal(released.values['user.name'], 'Bea Buyer');
  // An approval is used once.
  assert.equal((await refusal(kernel.disclose(db, { ...request, approval }))).reason, 'approval-invalid');
  // The DPO cannot approve their own request; a rejected request releases nothing.
  const own = await kernel.requestDisclosure(db, request);
  assert.equal((await refusal(kernel.decideDisclosure(db, { approval: own, decision: 'approved', actor: dpo }))).reason, 'not-dpo');
  const rejected = await kernel.requestDisclosure(db, { ...request, actor: support });
  await kernel.decideDisclosure(db, { approval: rejected, decision: 'rejected', actor: staffActor('staff-dpo-2', 'dpo') });
  assert.equal((await refusal(kernel.disclose(db, { ...request, approval: rejected }))).reason, 'approval-invalid');
  // Credit agencies are reachable only on a credit basis, with approval.
  assert.equal(
    (await refusal(kernel.disclose(db, { subject, recipient: 'credit-agency', categories: ['user.name'], purpose: 'collections', basis: 'fulfillment', order: 'o-9', actor: system }))).reason,
    'basis-not-for-recipient',
  );
  assert.equal(
    (await refusal(kernel.disclose(db, { subject, recipient: 'credit-agency', categories: ['user.name'], purpose: 'collections', basis: 'collections', actor: staffActor('staff-acc', 'accountant') })))
      .reason,
    'dpo-approval-required',
  );

  const rows = await ledger(db, subject);
  assert.deepEqual(
    rows.map((r) => [r.recipient, r.basis]),
    [['courts', 'court-order']],
  );
  const { rows: linked } = await sql<{ approval_id: string }>`select approval_id from privacy_disclosures where subject_id = ${subject}::uuid`.execute(db);
  assert.equal(linked[0]!.approval_id, approval);
});

testEachDatabase('CPNI is never disclosed to a third party without a recorded authorisation', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await buyer(db, kernel);
  const share = { subject, recipient: 'telecom-partner', categories: ['user.name', 'user.telecom.cpni'], purpose: 'billing', basis: 'fulfillment', order: 'line-42', actor: system };
  assert.equal((await refusal(kernel.disclose(db, share))).reason, 'cpni-needs-authorisation');
  // Name is not CPNI and may go on a fulfilment basis.
  await kernel.disclose(db, { ...share, categories: ['user.name'] });
  await kernel.recordConsent(db, {
    subject,
    purpose: 'billing',
    recipient: 'telecom-partner',
    action: 'grant',
    channel: 'paper',
    actor: staffActor('staff-s', 'support'),
    evidence: 'signed CPNI authorisation form 2024-11',
  });
  const released = await kernel.disclose(db, share);
  assert.deepEqual(released.values['user.telecom.cpni'], { plan: 'fiber 1G', calls: 37 });
  await kernel.recordConsent(db, { subject, purpose: 'billing', recipient: 'telecom-partner', action: 'withdraw', channel: 'web', actor: selfActor(subject) });
  assert.equal((await refusal(kernel.disclose(db, share))).reason, 'cpni-needs-authorisation');
  // Legal compulsion: only with the DPO's approval that names the CPNI.
  const legal = { subject, recipient: 'law-enforcement', categories: ['user.telecom.cpni'], purpose: 'legal-compliance', basis: 'law-enforcement', actor: dpo };
  const approval = await kernel.requestDisclosure(db, { ...legal, actor: support });
  await kernel.decideDisclosure(db, { approval, decision: 'approved', actor: dpo });
  await kernel.disclose(db, { ...legal, approval });
  const { rows } = await sql<{ consent_id: number | null; approval_id: string | null }>`
    select consent_id, approval_id from privacy_disclosures where subject_id = ${subject}::uuid and 'user.telecom.cpni' = any(categories) order by at`.execute(db);
  assert.equal(rows.length, 2);
  assert.ok(rows[0]!.consent_id !== null, 'the authorised share names its authorisation');
  assert.ok(rows[1]!.approval_id !== null, 'the legal share names its approval');
});

testEachDatabase('an emergency call may pass location to an emergency service, ledgered, and to no one else on that basis', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await buyer(db, kernel);
  await kernel.write(db, { subject, actor: system, purpose: 'emergency', values: { 'user.location.precise': { lat: 46.12, lon: -67.84 } } });
  const released = await kernel.disclose(db, {
    subject,
    recipient: 'emergency-services',
    categories: ['user.location.precise', 'user.contact.phone_number'],
    purpose: 'emergency',
    basis: 'emergency',
    actor: testActor('e911'),
  });
  assert.deepEqual(released.values['user.location.precise'], { lat: 46.12, lon: -67.84 });
  assert.equal(
    (await refusal(kernel.disclose(db, { subject, recipient: 'carriers', categories: ['user.contact.address'], purpose: 'fulfillment', basis: 'emergency', actor: system }))).reason,
    'basis-not-for-recipient',
  );
  assert.deepEqual(
    (await ledger(db, subject)).map((r) => r.basis),
    ['emergency'],
  );
});

testEachDatabase('a vendor sees exactly the buyer fields of its own order, each view is ledgered, and the buyer can list who received their data', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await buyer(db, kernel);
  const vendor = vendorActor('vendor-acme');
  const view = await kernel.disclose(db, {
    subject,
    recipient: 'vendors',
    recipientRef: 'vendor-acme',
    projection: 'vendor',
    purpose: 'fulfillment',
    basis: 'fulfillment',
    order: 'order-55',
    actor: vendor,
  });
  assert.deepEqual(Object.keys(view.values).sort(), ['user.contact.address', 'user.contact.email', 'user.contact.phone_number', 'user.name']);
  assert.equal(
    (
      await refusal(
        kernel.disclose(db, { subject, recipient: 'vendors', recipientRef: 'vendor-other', projection: 'vendor', purpose: 'fulfillment', basis: 'fulfillment', order: 'order-55', actor: vendor }),
      )
    ).reason,
    'not-own-data',
  );
  assert.equal(
    (
      await refusal(
        kernel.disclose(db, {
          subject,
          recipient: 'vendors',
          recipientRef: 'vendor-acme',
          categories: ['user.telecom.cpni'],
          purpose: 'fulfillment',
          basis: 'fulfillment',
          order: 'order-55',
          actor: vendor,
        }),
      )
    ).reason,
    'recipient-may-not-receive',
  );
  assert.equal((await refusal(kernel.read(db, { subject, actor: vendor, purpose: 'fulfillment', projection: 'vendor' }))).reason, 'vendor-needs-disclosure');
  await kernel.disclose(db, {
    subject,
    recipient: 'payment-processor',
    categories: ['user.name', 'user.contact.email'],
    purpose: 'fulfillment',
    basis: 'fulfillment',
    order: 'order-55',
    actor: system,
  });

  const received = await kernel.disclosuresOf(db, { subject, order: 'order-55', actor: testActor('test'), purpose: 'fulfillment' });
  assert.deepEqual(
    received.map((r) => [r.recipient, r.recipientRef, r.categories.length, r.basis, r.order]),
    [
      ['vendors', 'vendor-acme', 4, 'fulfillment', 'order-55'],
      ['payment-processor', '', 2, 'fulfillment', 'order-55'],
    ],
  );
  assert.ok(received.every((r) => r.at instanceof Date && r.recipientName.length > 0 && r.basisLabel.length > 0));
});
