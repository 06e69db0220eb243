// Legal and other disclosures through the staff console (/staff/disclosures): an owner records a
// request on a basis of the fixed list with its instrument and document, the privacy officer
// approves it on the DPO console (an emergency proceeds and is reviewed after), staff produce the
// export, and the kernel's disclosure ledger records it. CPNI leaves only with the customer's
// recorded authorisation or a legal compulsion the DPO approved.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { type FormClient, staffClient } from '../src/accounts/testing.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { consentRows, disclosureRows, testActor } from '../src/privacy/testing.ts';

const password = 'amber-lighthouse-27-quietly-sings';
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(120_000, 0x41), Buffer.from('\n%%EOF\n')]);

async function multipart(client: FormClient, url: string, fields: Record<string, string | string[]>, file?: Buffer): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('_csrf', client.csrf);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  if (file) body.append('document', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'order.pdf');
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return client.app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': request.headers.get('content-type')! }, payload });
}

async function setUp(database: Parameters<typeof buildTestApp>[0]) {
  const { app } = await buildTestApp(database);
  const db = database.db;
  const owner = await staffClient(app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password });
  const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password });
  const system = testActor('test');
  const subject = await app.privacy.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await app.privacy.write(db, {
    subject,
    actor: system,
    purpose: 'fulfillment',
    values: { 'user.name': 'Rowena Ledgerfield', 'user.contact.email': 'rowena@example.test', 'user.contact.address': { street: '4 Larch Way' }, 'user.contact.phone_number': '+1 207 555 0142' },
  });
  await app.privacy.write(db, { subject, actor: system, purpose: 'emergency', values: { 'user.location.precise': { lat: 46.12, lon: -67.84 } } });
  await app.privacy.write(db, { subject, actor: system, purpose: 'billing', values: { 'user.telecom.cpni': { plan: 'fiber 1G', calls: 37 } } });
  return { app, db, owner, dpo, subject };
}

/** Records a request as the owner; returns its id (from the redirect to its page). */
async function record(owner: FormClient, fields: Record<string, string | string[]>, file?: Buffer): Promise<string> {
  await owner.get(`/staff/disclosures/new/${fields.basis}/${fields.recipient}`);
  const res = await multipart(owner, '/staff/disclosures', fields, file);
  assert.equal(res.statusCode, 303, res.body.slice(0, 600));
  const id = /^\/staff\/disclosures\/([0-9a-f-]{36})$/.exec(String(res.headers.location))?.[1];
  assert.ok(id, `redirected to the request's page: ${res.headers.location}`);
  return id;
}

const ledger = disclosureRows;

async function produce(client: FormClient, id: string): Promise<LightMyRequestResponse> {
  await client.get(`/staff/disclosures/${id}`);
  return client.post(`/staff/disclosures/${id}/produce`, {});
}

async function approve(dpo: FormClient, id: string, decision: 'approved' | 'rejected' = 'approved') {
  const console = await dpo.get('/staff/dpo');
  assert.match(console.body, new RegExp(`href="/staff/disclosures/${id}"`), 'the DPO console links to the instrument and document');
  const decided = await dpo.post(`/staff/dpo/disclosures/${id}`, { decision });
  assert.equal(decided.statusCode, 200);
}

const closing = async (app: FastifyInstance, fn: () => Promise<void>) => {
  try {
    await fn();
  } finally {
    await app.close();
  }
};

testEachDatabase(
  '[P000-03][P003-11] a staff disclosure outside fulfilment needs a basis from the fixed list and the DPO’s approval, and lands in the ledger',
  async (database) => {
    const { app, db, owner, dpo, subject } = await setUp(database);
    await closing(app, async () => {
      const fields = {
        basis: 'law-enforcement',
        recipient: 'law-enforcement',
        email: 'rowena@example.test',
        categories: ['user.name', 'user.contact.email'],
        instrument: 'State police request 2026-114',
      };
      const choose = await owner.get('/staff/disclosures/new');
      assert.match(choose.body, /href="\/staff\/disclosures\/new\/law-enforcement\/law-enforcement"/);
      assert.doesNotMatch(choose.body, /new\/(fulfillment|billing|consent)\//, 'fulfilment, billing and consent are not recorded here');
      await owner.get('/staff/disclosures/new/law-enforcement/law-enforcement');
      // A basis outside the fixed list is refused, naming the field; nothing is recorded.
      const sale = await multipart(owner, '/staff/disclosures', { ...fields, basis: 'sale' }, pdf);
      assert.equal(sale.statusCode, 400);
      assert.match(sale.body, /basis: must be one of court-order/);
      const missing = await multipart(owner, '/staff/disclosures', { ...fields, categories: ['user.telecom.cpni', 'user.financial.credit_history'], instrument: '' }, pdf);
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /href="#f-categories"/);
      assert.match(missing.body, /href="#f-instrument"/);
      const nobody = await multipart(owner, '/staff/disclosures', { ...fields, email: 'nobody@example.test' }, pdf);
      assert.equal(nobody.statusCode, 400);
      assert.match(nobody.body, /no person with this email address/);
      assert.equal(Number((await sql<{ n: string }>`select count(*) as n from rights_legal_disclosures`.execute(db)).rows[0]!.n), 0);

      const id = await record(owner, fields, pdf);
      assert.match((await owner.get(`/staff/disclosures/${id}`)).body, /Awaiting the privacy officer’s approval/);
      // Without the approval nothing leaves.
      const early = await owner.post(`/staff/disclosures/${id}/produce`, {});
      assert.equal(early.statusCode, 409);
      assert.match(early.body, /has not approved this request yet/);
      assert.deepEqual(await ledger(db, subject), []);

      await approve(dpo, id);
      const produced = await produce(owner, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.match(String(produced.headers['content-disposition']), /attachment; filename="disclosure-L-\d{6}\.json"/);
      const file = produced.json() as { basis: string; ledger_entry: string; fields: Record<string, unknown> };
      assert.deepEqual(file.fields, { 'user.name': 'Rowena Ledgerfield', 'user.contact.email': 'rowena@example.test' }, 'exactly the approved fields');
      const rows = await ledger(db, subject);
      assert.deepEqual(
        rows.map((r) => [r.recipient, r.basis, r.categories, r.approval_id, r.consent_id]),
        [['law-enforcement', 'law-enforcement', ['user.name', 'user.contact.email'], id, null]],
      );
      // The approval is used once.
      const twice = await owner.post(`/staff/disclosures/${id}/produce`, {});
      assert.equal(twice.statusCode, 409);
      assert.equal((await ledger(db, subject)).length, 1);
      const list = await owner.get('/staff/disclosures');
      assert.match(list.body, /Produced and ledgered/);
      assert.doesNotMatch(list.body, /Rowena|Ledgerfield|rowena@/, 'no personal value on the list');
    });
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P002-23][P003-11] a court order with its document is approved by the DPO and produced; a rejected one is not',
  async (database) => {
    const { app, db, owner, dpo, subject } = await setUp(database);
    await closing(app, async () => {
      const id = await record(
        owner,
        { basis: 'court-order', recipient: 'courts', email: 'rowena@example.test', categories: ['user.name', 'user.contact.address'], instrument: 'Superior Court docket CV-2026-0042' },
        pdf,
      );
      const page = await dpo.get(`/staff/disclosures/${id}`);
      assert.match(page.body, /Superior Court docket CV-2026-0042/, 'the DPO reads the instrument');
      assert.doesNotMatch(page.body, /Rowena|Ledgerfield|Larch/, 'the request page shows no personal value of the person');
      const document = await dpo.get(`/staff/disclosures/${id}/document`);
      assert.equal(document.statusCode, 200);
      assert.equal(document.headers['content-type'], 'application/pdf');
      assert.ok(document.rawPayload.equals(pdf), 'the document comes back whole');
      const { rows: stored } = await sql<{ n: string }>`select count(*) as n from rights_legal_disclosures where document_chunks >= 3`.execute(db);
      assert.equal(Number(stored[0]!.n), 1, 'kept as kernel items, in chunks');

      await approve(dpo, id);
      const produced = await produce(owner, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.deepEqual(produced.json().fields, { 'user.name': 'Rowena Ledgerfield', 'user.contact.address': { street: '4 Larch Way' } });
      assert.deepEqual(
        (await ledger(db, subject)).map((r) => [r.recipient, r.basis, r.consent_id]),
        [['courts', 'court-order', null]],
      );

      const rejected = await record(
        owner,
        { basis: 'legal-rights', recipient: 'courts', email: 'rowena@example.test', categories: ['user.contact.email'], instrument: 'Claim against us, case 77' },
        pdf,
      );
      await approve(dpo, rejected, 'rejected');
      const refused = await produce(owner, rejected);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /rejected this request/);
      assert.equal((await ledger(db, subject)).length, 1);
    });
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P003-11] a collections report to a credit agency is ledgered without the person’s consent',
  async (database) => {
    const { app, db, owner, dpo, subject } = await setUp(database);
    await closing(app, async () => {
      const id = await record(
        owner,
        { basis: 'collections', recipient: 'credit-agency', email: 'rowena@example.test', categories: ['user.name', 'user.contact.address'], instrument: 'Invoice 2026-311 unpaid 90 days' },
        pdf,
      );
      await approve(dpo, id);
      const produced = await produce(owner, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      const rows = await ledger(db, subject);
      assert.deepEqual(
        rows.map((r) => [r.recipient, r.basis, r.categories, r.consent_id]),
        [['credit-agency', 'collections', ['user.name', 'user.contact.address'], null]],
      );
      assert.deepEqual(await consentRows(db, { subject }), [], 'no consent was asked or recorded');
    });
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P003-10] a request for a field the recipient is not declared to receive is refused over HTTP, naming the fields, and nothing is recorded or ledgered',
  async (database) => {
    const { app, db, owner, subject } = await setUp(database);
    await closing(app, async () => {
      const fields = { basis: 'court-order', recipient: 'courts', email: 'rowena@example.test', instrument: 'Superior Court docket CV-2026-0077' };
      await owner.get('/staff/disclosures/new/court-order/courts');
      const more = await multipart(owner, '/staff/disclosures', { ...fields, categories: ['user.name', 'user.financial.credit_history', 'user.location.precise'] }, pdf);
      assert.equal(more.statusCode, 400, more.body.slice(0, 600));
      assert.match(more.body, /href="#f-categories"/);
      assert.match(more.body, /courts may not receive user\.financial\.credit_history, user\.location\.precise on this basis/);
      assert.equal(Number((await sql<{ n: string }>`select count(*) as n from rights_legal_disclosures`.execute(db)).rows[0]!.n), 0, 'no request recorded');
      assert.deepEqual(await ledger(db, subject), [], 'the disclosure ledger is unchanged');
      // The same request for declared fields only goes through: the refusal was the undeclared ones.
      const id = await record(owner, { ...fields, categories: ['user.name'] }, pdf);
      assert.match((await owner.get(`/staff/disclosures/${id}`)).body, /Awaiting the privacy officer’s approval/);
    });
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P003-11] a disclosure to protect the shop’s rights (a claim against it) is produced through the console and ledgered on that basis without consent',
  async (database) => {
    const { app, db, owner, dpo, subject } = await setUp(database);
    await closing(app, async () => {
      const id = await record(
        owner,
        { basis: 'legal-rights', recipient: 'courts', email: 'rowena@example.test', categories: ['user.name', 'user.contact.email'], instrument: 'Claim against us, case 77' },
        pdf,
      );
      await approve(dpo, id);
      const produced = await produce(owner, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.deepEqual(produced.json().fields, { 'user.name': 'Rowena Ledgerfield', 'user.contact.email': 'rowena@example.test' });
      assert.deepEqual(
        (await ledger(db, subject)).map((r) => [r.recipient, r.basis, r.categories, r.approval_id, r.consent_id]),
        [['courts', 'legal-rights', ['user.name', 'user.contact.email'], id, null]],
      );
      assert.deepEqual(await consentRows(db, { subject }), [], 'no consent was asked or recorded');
    });
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P003-13] an emergency disclosure of location proceeds at once, is ledgered and waits for the DPO’s review after',
  async (database) => {
    const { app, db, owner, dpo, subject } = await setUp(database);
    await closing(app, async () => {
      const id = await record(owner, {
        basis: 'emergency',
        recipient: 'emergency-services',
        email: 'rowena@example.test',
        categories: ['user.location.precise', 'user.contact.phone_number'],
        instrument: '911 call 14:02, caller reports the customer unconscious',
      });
      assert.doesNotMatch((await dpo.get('/staff/dpo')).body, new RegExp(id), 'no prior approval is asked');
      const produced = await produce(owner, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.deepEqual(produced.json().fields, { 'user.location.precise': { lat: 46.12, lon: -67.84 }, 'user.contact.phone_number': '+1 207 555 0142' });
      assert.deepEqual(
        (await ledger(db, subject)).map((r) => [r.recipient, r.basis, r.approval_id]),
        [['emergency-services', 'emergency', null]],
      );
      const list = await dpo.get('/staff/disclosures');
      const review = list.body.slice(list.body.indexOf('Emergencies awaiting your review'), list.body.indexOf('All requests'));
      assert.match(review, new RegExp(`href="/staff/disclosures/${id}"`), 'listed for the DPO’s review');
      assert.equal((await owner.post(`/staff/disclosures/${id}/review`, {})).statusCode, 403, 'only the DPO reviews');
      await dpo.get(`/staff/disclosures/${id}`);
      assert.equal((await dpo.post(`/staff/disclosures/${id}/review`, {})).statusCode, 303);
      assert.match((await dpo.get(`/staff/disclosures/${id}`)).body, /Emergency produced and reviewed/);
      const after = await dpo.get('/staff/disclosures');
      assert.match(after.body, /No emergency disclosure is waiting for your review/);
    });
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P003-15] CPNI is refused without the customer’s authorisation and given with it',
  async (database) => {
    const { app, db, owner, dpo, subject } = await setUp(database);
    await closing(app, async () => {
      const id = await record(
        owner,
        { basis: 'legal-rights', recipient: 'courts', email: 'rowena@example.test', categories: ['user.name', 'user.telecom.cpni'], instrument: 'Billing dispute, small-claims case 2026-88' },
        pdf,
      );
      await approve(dpo, id);
      const refused = await produce(dpo, id);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /CPNI\) is never shared with a third party without the customer&#39;s recorded authorisation/);
      assert.deepEqual(await ledger(db, subject), []);

      await owner.get(`/staff/disclosures/${id}`);
      const unproven = await owner.post(`/staff/disclosures/${id}/authorisation`, { channel: 'paper', evidence: '' });
      assert.equal(unproven.statusCode, 400);
      assert.match(unproven.body, /href="#f-evidence"/);
      const authorised = await owner.post(`/staff/disclosures/${id}/authorisation`, { channel: 'paper', evidence: 'Signed CPNI release form, 2026-12-01' });
      assert.equal(authorised.statusCode, 303);

      const produced = await produce(dpo, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.deepEqual(produced.json().fields, { 'user.name': 'Rowena Ledgerfield', 'user.telecom.cpni': { plan: 'fiber 1G', calls: 37 } });
      const rows = await ledger(db, subject);
      assert.equal(rows.length, 1);
      assert.ok(rows[0]!.consent_id !== null, 'the disclosure names the authorisation it rests on');
    });
  },
  { timeout: 180_000 },
);
