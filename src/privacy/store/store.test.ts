import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { selfActor, staffActor, testActor, vendorActor } from '../actors.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';
import { TamperedData } from './items.ts';
import type { Db } from '../../platform/db/database.ts';
import { kernelInternals } from '../internals.ts';

const system = testActor('test');
const person = {
  'user.name': 'Zebulon Quartermaine',
  'user.contact.email': 'Zeb.Quartermaine@Example.test',
  'user.contact.phone_number': '+1 555 0100 4242',
  'user.contact.address': { street: '17 Wolverton Lane', city: 'Houlton', postal_code: '04730', country: 'US' },
};

async function refusal(promise: Promise<unknown>): Promise<PrivacyRefusal> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PrivacyRefusal) return err;
    throw err;
  }
  assert.fail('expected a privacy refusal');
}

async function auditRows(db: Db, subject: string) {
  const { rows } = await sql<{ action: string; outcome: string; purpose: string | null; actor_kind: string; actor_role: string | null; categories: string[]; detail: Record<string, unknown> }>`
    select action, outcome, purpose, actor_kind, actor_role, categories, detail from privacy_audit_log where subject_id = ${subject}::uuid order by id`.execute(db);
  return rows;
}

testEachDatabase('personal data is stored encrypted and read back only under a purpose', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: person });
  const record = await kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: Object.keys(person) });
  assert.deepEqual(record.values, person);

  const { rows } = await sql<{ category: string; ciphertext: Buffer }>`select category, ciphertext from privacy_items where subject_id = ${subject}::uuid`.execute(db);
  assert.equal(rows.length, 4);
  for (const row of rows) {
    const bytes = Buffer.from(row.ciphertext).toString('latin1');
    for (const word of ['Zebulon', 'Quartermaine', 'Wolverton', '0100', 'Example.test']) assert.ok(!bytes.includes(word), `${row.category} holds ${word} in the clear`);
  }
});

testEachDatabase('ciphertexts are bound to subject, category and row: a swapped ciphertext does not open', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const a = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const b = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject: a, actor: system, purpose: 'fulfillment', values: person });
  await kernel.write(db, { subject: b, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Other Person', 'user.contact.email': 'other@example.test' } });
  await kernel.write(db, { subject: a, actor: system, purpose: 'fulfillment', ref: 'order-1', values: { 'user.contact.address': { street: 'Order street 1' } } });

  // Same category, another row of the same subject.
  await sql`update privacy_items set ciphertext = (select ciphertext from privacy_items where subject_id = ${a}::uuid and category = 'user.contact.address' and ref = '')
    where subject_id = ${a}::uuid and category = 'user.contact.address' and ref = 'order-1'`.execute(db);
  await assert.rejects(kernel.read(db, { subject: a, actor: system, purpose: 'fulfillment', categories: ['user.contact.address'], ref: 'order-1' }), TamperedData);
  // Another category of the same subject.
  await sql`update privacy_items set ciphertext = (select ciphertext from privacy_items where subject_id = ${a}::uuid and category = 'user.contact.email')
    where subject_id = ${a}::uuid and category = 'user.name'`.execute(db);
  await assert.rejects(kernel.read(db, { subject: a, actor: system, purpose: 'fulfillment', categories: ['user.name'] }), TamperedData);
  // Another subject's item moved over.
  await sql`update privacy_items set ciphertext = (select ciphertext from privacy_items where subject_id = ${a}::uuid and category = 'user.contact.email')
    where subject_id = ${b}::uuid and category = 'user.contact.email'`.execute(db);
  await assert.rejects(kernel.read(db, { subject: b, actor: system, purpose: 'fulfillment', categories: ['user.contact.email'] }), TamperedData);
});

testEachDatabase('every stored item records the policy version it was collected under', async ({ db }) => {
  const { kernel, setNow } = await testKernel(db);
  setNow(new Date('2024-05-01T12:00:00Z'));
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Early Bird' } });
  setNow(new Date('2025-02-01T12:00:00Z'));
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.contact.email': 'late@example.test' } });
  const record = await kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.name', 'user.contact.email'] });
  const versions = Object.fromEntries(record.items.map((i) => [i.category, i.policyVersion]));
  assert.deepEqual(versions, { 'user.name': '2024.1', 'user.contact.email': '2025.1' });
  const { rows } = await sql<{ category: string; policy_version: string }>`select category, policy_version from privacy_items where subject_id = ${subject}::uuid order by category`.execute(db);
  assert.deepEqual(rows, [
    { category: 'user.contact.email', policy_version: '2025.1' },
    { category: 'user.name', policy_version: '2024.1' },
  ]);
});

testEachDatabase('data collected before a purpose existed is not used for it until the person agrees', async ({ db }) => {
  const { kernel, setNow } = await testKernel(db);
  setNow(new Date('2024-05-01T12:00:00Z'));
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.behavior.purchase_history': ['battery monitor BM-9'] } });
  setNow(new Date('2025-03-01T12:00:00Z'));
  // recommendations arrived with policy 2025.1; the purchase history was collected under 2024.1.
  const refused = await refusal(kernel.read(db, { subject, actor: testActor('recommender'), purpose: 'recommendations', categories: ['user.behavior.purchase_history'] }));
  assert.equal(refused.reason, 'new-use-needs-consent');
  await kernel.recordConsent(db, { subject, purpose: 'recommendations', action: 'grant', channel: 'email', actor: selfActor(subject), evidence: 'replied yes to the notice of policy 2025.1' });
  const record = await kernel.read(db, { subject, actor: testActor('recommender'), purpose: 'recommendations', categories: ['user.behavior.purchase_history'] });
  assert.deepEqual(record.values['user.behavior.purchase_history'], ['battery monitor BM-9']);

  // A person who collected data only under 2025.1 needs no extra consent for a legitimate-interest purpose.
  const fresh = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject: fresh, actor: system, purpose: 'fulfillment', values: { 'user.behavior.purchase_history': ['cable'] } });
  await kernel.read(db, { subject: fresh, actor: testActor('recommender'), purpose: 'recommendations', categories: ['user.behavior.purchase_history'] });
});

testEachDatabase('order data is readable only for fulfilment and order status; any other purpose is refused and audited', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, {
    subject,
    actor: system,
    purpose: 'fulfillment',
    ref: 'order-7',
    values: { 'user.contact.address': { street: '1 Ship Street' }, 'user.behavior.purchase_history': ['item'] },
  });
  await kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.contact.address'], ref: 'order-7' });
  await kernel.read(db, { subject, actor: system, purpose: 'order-status', categories: ['user.behavior.purchase_history'], ref: 'order-7' });
  for (const purpose of ['newsletters', 'offers', 'recommendations', 'security']) {
    const refused = await refusal(kernel.read(db, { subject, actor: system, purpose, categories: ['user.contact.address'], ref: 'order-7' }));
    assert.equal(refused.reason, 'purpose-may-not-use-category', purpose);
    assert.equal(refused.code, 'PRIVACY_REFUSED');
  }
  const refusedPurpose = await refusal(kernel.read(db, { subject, actor: system, purpose: 'reselling', categories: ['user.contact.address'] }));
  assert.equal(refusedPurpose.reason, 'unknown-purpose');
  const rows = await auditRows(db, subject);
  const refusals = rows.filter((r) => r.action === 'data.read' && r.outcome === 'refused');
  assert.deepEqual(
    refusals.map((r) => r.purpose),
    ['newsletters', 'offers', 'recommendations', 'security', 'reselling'],
  );
  assert.ok(refusals.every((r) => r.detail.reason));
  assert.deepEqual(
    rows.filter((r) => r.action === 'data.read' && r.outcome === 'ok').map((r) => r.purpose),
    ['fulfillment', 'order-status'],
  );
});

testEachDatabase('staff roles see only their categories, and every staff read is audited with its purpose', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'billing', values: { 'user.financial.bank_account': 'DE89370400440532013000', 'user.telecom.cpni': { plan: 'voice', minutes: 412 } } });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Ada Packer', 'user.payment': 'tok_123' } });

  const accountant = staffActor('staff-acc-1', 'accountant');
  const record = await kernel.read(db, { subject, actor: accountant, purpose: 'billing', categories: ['user.financial.bank_account', 'user.telecom.cpni'] });
  assert.equal(record.values['user.financial.bank_account'], 'DE89370400440532013000');

  const packer = staffActor('staff-ful-1', 'fulfilment');
  assert.equal((await refusal(kernel.read(db, { subject, actor: packer, purpose: 'billing', categories: ['user.financial.bank_account'] }))).reason, 'role-may-not-use-purpose');
  assert.equal((await refusal(kernel.read(db, { subject, actor: packer, purpose: 'fulfillment', categories: ['user.payment'] }))).reason, 'role-may-not-see-category');
  const marketer = staffActor('staff-mkt-1', 'marketing');
  assert.equal((await refusal(kernel.read(db, { subject, actor: marketer, purpose: 'cpni-marketing', categories: ['user.telecom.cpni'] }))).reason, 'role-may-not-use-purpose');
  await kernel.read(db, { subject, actor: packer, purpose: 'fulfillment', projection: 'staff' });

  const rows = (await auditRows(db, subject)).filter((r) => r.actor_kind === 'staff');
  assert.deepEqual(
    rows.map((r) => [r.actor_role, r.purpose, r.outcome]),
    [
      ['accountant', 'billing', 'ok'],
      ['fulfilment', 'billing', 'refused'],
      ['fulfilment', 'fulfillment', 'refused'],
      ['marketing', 'cpni-marketing', 'refused'],
      ['fulfilment', 'fulfillment', 'ok'],
    ],
  );
  assert.deepEqual(rows[0]!.categories, ['user.financial.bank_account', 'user.telecom.cpni']);
});

testEachDatabase('projections: a view gets exactly the categories its projection declares, for its audience only', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: person });
  await kernel.write(db, { subject, actor: system, purpose: 'account', values: { 'user.demographic.age_range': 'adult' } });
  const own = await kernel.read(db, { subject, actor: selfActor(subject), purpose: 'data-rights', projection: 'customer' });
  assert.deepEqual(Object.keys(own.values).sort(), [...Object.keys(person), 'user.demographic.age_range'].sort());
  const staffView = await kernel.read(db, { subject, actor: staffActor('s1', 'support'), purpose: 'support', projection: 'staff' });
  assert.deepEqual(Object.keys(staffView.values).sort(), ['user.contact.email', 'user.contact.phone_number', 'user.name']);
  assert.equal((await refusal(kernel.read(db, { subject, actor: staffActor('s1', 'support'), purpose: 'data-rights', projection: 'customer' }))).reason, 'audience-mismatch');
  assert.equal((await refusal(kernel.read(db, { subject, actor: staffActor('s1', 'support'), purpose: 'data-rights', projection: 'export' }))).reason, 'audience-mismatch');
  const other = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  assert.equal((await refusal(kernel.read(db, { subject: other, actor: selfActor(subject), purpose: 'data-rights', projection: 'customer' }))).reason, 'not-own-data');
  assert.equal((await refusal(kernel.read(db, { subject, actor: vendorActor('v1'), purpose: 'fulfillment', projection: 'vendor' }))).reason, 'vendor-needs-disclosure');
});

testEachDatabase('consent: a consent purpose needs a grant; withdrawal stops it at once; the ledger keeps channel, time, recorder, policy version and evidence', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'account', values: { 'user.name': 'Nell Newsome', 'user.contact.email': 'nell@example.test' } });
  const mailer = testActor('newsletter-sender');
  assert.equal((await refusal(kernel.read(db, { subject, actor: mailer, purpose: 'newsletters', categories: ['user.contact.email'] }))).reason, 'consent-missing');

  await kernel.recordConsent(db, {
    subject,
    purpose: 'newsletters',
    action: 'grant',
    channel: 'phone',
    actor: staffActor('staff-7', 'support'),
    evidence: 'call 14:02, agreed to product-update mail',
  });
  assert.equal((await kernel.read(db, { subject, actor: mailer, purpose: 'newsletters', categories: ['user.contact.email'] })).values['user.contact.email'], 'nell@example.test');

  await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'withdraw', channel: 'web', actor: selfActor(subject) });
  assert.equal((await refusal(kernel.read(db, { subject, actor: mailer, purpose: 'newsletters', categories: ['user.contact.email'] }))).reason, 'consent-withdrawn');

  const ledger = await kernel.consentLedger(db, { subject, actor: testActor('test'), purpose: 'data-rights' });
  assert.equal(ledger.length, 2);
  assert.deepEqual(
    ledger.map((e) => [e.action, e.channel, e.recordedByKind, e.recordedBy, e.policyVersion]),
    [
      ['grant', 'phone', 'staff', 'staff-7', ledger[0]!.policyVersion],
      ['withdraw', 'web', 'self', subject, ledger[1]!.policyVersion],
    ],
  );
  assert.equal(ledger[0]!.evidence, 'call 14:02, agreed to product-update mail');
  assert.ok(ledger.every((e) => e.recordedAt instanceof Date && /^\d{4}\.\d$/.test(e.policyVersion)));
  const state = await kernel.consentState(db, { subject, actor: testActor('test'), purpose: 'data-rights' });
  assert.deepEqual(
    state.map((s) => [s.purpose, s.state]),
    [['newsletters', 'withdrawn']],
  );

  const { rows } = await sql<{ evidence: Buffer }>`select evidence from privacy_consents where subject_id = ${subject}::uuid and evidence is not null`.execute(db);
  assert.ok(!Buffer.from(rows[0]!.evidence).toString('latin1').includes('product-update'), 'evidence is encrypted');
  await assert.rejects(sql`update privacy_consents set action = 'grant'`.execute(db), /append-only/);
  await assert.rejects(sql`delete from privacy_consents`.execute(db), /append-only/);
});

testEachDatabase('a person who opted out of all communication is not contacted nor their data used in new ways; service continues', async ({ db }) => {
  const { kernel, setNow } = await testKernel(db);
  setNow(new Date('2024-05-01T12:00:00Z'));
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Otto Out', 'user.contact.email': 'otto@example.test', 'user.behavior.purchase_history': ['x'] } });
  await kernel.recordConsent(db, { subject, purpose: 'recommendations', action: 'grant', channel: 'web', actor: selfActor(subject) });
  setNow(new Date('2025-03-01T12:00:00Z'));
  await kernel.read(db, { subject, actor: system, purpose: 'offers', categories: ['user.contact.email'] });
  await kernel.restrict(db, { subject, actor: selfActor(subject) });
  assert.equal((await refusal(kernel.read(db, { subject, actor: system, purpose: 'offers', categories: ['user.contact.email'] }))).reason, 'opted-out');
  assert.equal((await refusal(kernel.read(db, { subject, actor: system, purpose: 'recommendations', categories: ['user.behavior.purchase_history'] }))).reason, 'opted-out');
  // Filling their orders goes on.
  await kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.contact.email'] });
  await kernel.reactivate(db, { subject, actor: selfActor(subject) });
  await kernel.read(db, { subject, actor: system, purpose: 'offers', categories: ['user.contact.email'] });
  // An opt-out of one purpose (CPNI marketing) stops that purpose only.
  await kernel.recordConsent(db, { subject, purpose: 'offers', action: 'withdraw', channel: 'email', actor: staffActor('s2', 'support'), evidence: 'mail of 2025-03-01, "no more offers"' });
  assert.equal((await refusal(kernel.read(db, { subject, actor: system, purpose: 'offers', categories: ['user.contact.email'] }))).reason, 'consent-withdrawn');
  await kernel.read(db, { subject, actor: system, purpose: 'order-status', categories: ['user.contact.email'] });
});

testEachDatabase('blind index: exact lookup by normalised email under a separate key, no plain hash', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'account', values: { 'user.contact.email': ' Mixed.Case@Example.TEST ' } });
  const support = staffActor('s3', 'support');
  assert.deepEqual(await kernel.findSubjects(db, { category: 'user.contact.email', value: 'mixed.case@example.test', actor: support, purpose: 'support' }), [subject]);
  assert.deepEqual(await kernel.findSubjects(db, { category: 'user.contact.email', value: 'nobody@example.test', actor: support, purpose: 'support' }), []);
  assert.equal((await refusal(kernel.findSubjects(db, { category: 'user.contact.email', value: 'x@example.test', actor: selfActor(subject), purpose: 'support' }))).reason, 'not-own-data');

  const { rows } = await sql<{ digest: Buffer }>`select digest from privacy_blind_indexes where subject_id = ${subject}::uuid`.execute(db);
  const { createHash } = await import('node:crypto');
  const plain = createHash('sha256').update('mixed.case@example.test').digest();
  assert.equal(rows.length, 1);
  assert.ok(!Buffer.from(rows[0]!.digest).equals(plain), 'not a plain hash');
  // Another shop (another keyring) gets another digest for the same address: no global salt.
  const other = await testKernel(db);
  assert.ok(!kernelInternals(other.kernel).blind.digest('user.contact.email', 'email', 'mixed.case@example.test').equals(Buffer.from(rows[0]!.digest)));
});

testEachDatabase('refusals are audited even when the caller rolls back its transaction; unknown subjects are not found', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await kernel.read(trx, { subject, actor: system, purpose: 'newsletters', categories: ['user.contact.address'] });
    }),
    PrivacyRefusal,
  );
  await kernel.flush();
  const rows = await auditRows(db, subject);
  assert.ok(rows.some((r) => r.action === 'data.read' && r.outcome === 'refused' && r.purpose === 'newsletters'));
  await assert.rejects(kernel.read(db, { subject: '00000000-0000-4000-8000-000000000000', actor: system, purpose: 'fulfillment', categories: ['user.name'] }), { code: 'NOT_FOUND' });
  assert.equal((await refusal(kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.financial.credit_card': '4111111111111111' } }))).reason, 'never-stored');
  assert.ok(!(await refusal(kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.financial.credit_card': '4111111111111111' } }))).message.includes('4111'));
});

testEachDatabase('a batch read gives many people’s items in one statement, each checked and audited as a single read; a refused one says why instead of throwing', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const a = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const b = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const gone = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject: a, actor: system, purpose: 'fulfillment', ref: 'order-1', values: { 'user.name': 'Ada One' } });
  await kernel.write(db, { subject: a, actor: system, purpose: 'fulfillment', ref: 'order-2', values: { 'user.name': 'Ada Two' } });
  await kernel.write(db, { subject: b, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Bea', 'user.payment': 'tok_9' } });
  await kernel.write(db, { subject: gone, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Gone Person' } });
  await kernel.erase(db, { subject: gone, actor: system });

  const packer = staffActor('staff-ful-1', 'fulfilment');
  const items = [{ subject: a, ref: 'order-1' }, { subject: gone }, { subject: b }, { subject: a, ref: 'order-2' }, { subject: b, ref: 'no-such-order' }];
  const results = await kernel.readMany(db, { actor: packer, purpose: 'fulfillment', categories: ['user.name'], items });
  assert.deepEqual(
    results.map((r) => (r.ok ? r.record.values : r.reason)),
    [{ 'user.name': 'Ada One' }, 'erased', { 'user.name': 'Bea' }, { 'user.name': 'Ada Two' }, {}],
  );
  assert.deepEqual(results[0]!.ok && results[0]!.record.items.map((i) => [i.category, i.ref]), [['user.name', 'order-1']], 'only the ref asked for');
  await kernel.flush();
  const staffRows = async (subject: string) => (await auditRows(db, subject)).filter((r) => r.actor_kind === 'staff').map((r) => [r.action, r.purpose, r.outcome, r.detail.reason ?? null]);
  assert.deepEqual(await staffRows(a), [
    ['data.read', 'fulfillment', 'ok', null],
    ['data.read', 'fulfillment', 'ok', null],
  ]);
  assert.deepEqual(await staffRows(b), [
    ['data.read', 'fulfillment', 'ok', null],
    ['data.read', 'fulfillment', 'ok', null],
  ]);
  assert.deepEqual(await staffRows(gone), [['data.read', 'fulfillment', 'refused', 'erased']]);

  // The access rules apply per item as they do to one read: refused and audited, nothing read.
  const marketer = staffActor('staff-mkt-1', 'marketing');
  const refused = await kernel.readMany(db, { actor: marketer, purpose: 'fulfillment', categories: ['user.name'], items: [{ subject: a, ref: 'order-1' }, { subject: b }] });
  assert.deepEqual(refused, [
    { ok: false, reason: 'role-may-not-use-purpose' },
    { ok: false, reason: 'role-may-not-use-purpose' },
  ]);
  const payment = await kernel.readMany(db, { actor: packer, purpose: 'fulfillment', categories: ['user.payment'], items: [{ subject: b }] });
  assert.deepEqual(payment, [{ ok: false, reason: 'role-may-not-see-category' }]);
  await kernel.flush();
  assert.deepEqual((await staffRows(b)).slice(2), [
    ['data.read', 'fulfillment', 'refused', 'role-may-not-use-purpose'],
    ['data.read', 'fulfillment', 'refused', 'role-may-not-see-category'],
  ]);
  await assert.rejects(kernel.readMany(db, { actor: packer, purpose: 'fulfillment', categories: ['user.name'], items: [{ subject: 'not-a-subject' }] }), /subject/);
});
