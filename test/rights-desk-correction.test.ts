// A correction asked of the privacy officer (P001-10, P003-25): the customer writes in instead of
// using the privacy centre; support enters the request, the person confirms it from the mailed link,
// and the privacy officer corrects any item the centre lets the person correct (here a company name
// and an order's email) with the centre's own checks, and the records the centre sends to the officer
// (a tracking number, a statement of age) with their modules' checks; the request closes done.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { staffClient } from '../src/accounts/testing.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { auditActors, countSubjectAudit, testActor } from '../src/privacy/testing.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { ada, customerWithCompany, linkFromMail, rightsBed } from './rights-support.ts';

const support = { name: 'Sam Support', email: 'sam.support@shop.example', role: 'support', password: 'tidal-basin-47-copper-lamp' };
const dpo = { name: 'Dana Officer', email: 'dana.officer@shop.example', role: 'dpo', password: 'quiet-meadow-82-ember-gate' };
const packer = { name: 'Pat Packer', email: 'pat.packer@shop.example', role: 'fulfilment', password: 'harbour-kettle-63-slate-fern' };

testEachDatabase(
  '[P001-10][P003-25] a customer asks the privacy officer to correct their company name and an order’s email: staff correct them on the request with the centre’s checks, the request closes done, the centre shows the new values and the audit names the role and purpose',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    const { mine, read } = await customerWithCompany(bed, ada);
    const company = await read('user.contact.organization', `order:${mine.paid.id}:billing`);
    const orderEmail = await read('user.contact.email', `order:${mine.paid.id}`);
    const accountEmail = await read('user.contact.email', '');
    const shipment = await read('user.behavior.purchase_history', `order:${mine.paid.id}`);
    const age = await read('user.demographic.age_range', '');

    // The centre sends a record the person is not the source of to the privacy officer's contact page.
    const centre = await mine.client.get('/account/privacy');
    assert.match(centre.body, /href="\/privacy\/contact#correct">Ask us to correct/);
    assert.match((await newClient(bed.app).get('/privacy/contact')).body, /id="correct"/);

    // The person writes in; support enters the request and the person confirms it from the mailed link.
    const desk = await staffClient(bed.app, db, support);
    await desk.get('/staff/requests/new');
    const entered = await desk.post('/staff/requests/new', { kind: 'correction', email: ada.email, channel: 'email', note: 'Company is Difference Engines Inc.; order mail to ada.king@example.com.' });
    assert.equal(entered.statusCode, 303, entered.body.slice(0, 300));
    const number = /R-\d{6}/.exec(entered.headers.location as string)![0];
    const link = await linkFromMail(bed, ada.email, '/privacy/requests/confirm');
    const visitor = newClient(bed.app);
    await visitor.get(link);
    assert.equal((await visitor.post('/privacy/requests/confirm', { token: new URL(link, 'http://x').searchParams.get('token')! })).statusCode, 200);

    // Support's form offers the shipment record but not the statement of age, which their role may not see.
    const supportPage = await desk.get(`/staff/requests/${number}/data`);
    assert.equal(supportPage.statusCode, 200, supportPage.body.slice(0, 300));
    assert.ok(supportPage.body.includes(`/data/${shipment.id}"`), 'support may correct a tracking number');
    assert.ok(!supportPage.body.includes(`/data/${age.id}"`), 'support’s role may not see the statement of age');

    // The privacy officer's form offers every item the centre corrects, and not the sign-in email.
    const officer = await staffClient(bed.app, db, dpo, '127.0.0.2');
    const data = await officer.get(`/staff/requests/${number}/data`);
    assert.equal(data.statusCode, 200, data.body.slice(0, 300));
    const action = (id: string) => `action="/staff/requests/${number}/data/${id}"`;
    assert.ok(data.body.includes(action(company.id)) && data.body.includes('Analytical Engines LLC'), 'the company name is offered');
    assert.ok(data.body.includes(action(orderEmail.id)) && data.body.includes(`value="${ada.email}"`), 'the order’s email is offered');
    assert.ok(!data.body.includes(action(accountEmail.id)), 'the sign-in email changes only through the account');
    for (const category of ['user.name', 'user.contact.phone_number', 'user.contact.address']) {
      assert.ok(data.body.includes(action((await read(category, `order:${mine.paid.id}`)).id)), category);
    }
    // And the records the centre sends here ("Ask us to correct"): the tracking number, the statement of age.
    const tracking = (shipment.value as { tracking: string }).tracking;
    assert.ok(data.body.includes(action(shipment.id)) && data.body.includes(`value="${tracking}"`), 'the tracking number is offered');
    assert.ok(data.body.includes(action(age.id)), 'the statement of age is offered');
    const payment = await read('user.payment', `order:${mine.paid.id}`);
    assert.ok(
      !data.body.includes(action(payment.id)) && /Not typed over here: a payment processor’s reference/.test(data.body),
      'the processor’s reference is checked with the processor, not typed over',
    );

    // A value the centre would refuse is refused here, naming the field, and nothing is written.
    const refused = await officer.post(`/staff/requests/${number}/data/${orderEmail.id}`, { email: 'ada.king@example' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /id="f-\d+-email-error">must be an email address/);
    const blank = await officer.post(`/staff/requests/${number}/data/${company.id}`, { organization: ' ' });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /id="f-\d+-organization-error">is required/);
    assert.equal((await read('user.contact.organization', company.ref)).value, 'Analytical Engines LLC');
    assert.equal((await read('user.contact.email', orderEmail.ref)).value, ada.email);
    const badTracking = await officer.post(`/staff/requests/${number}/data/${shipment.id}`, { carrier: 'UPS', tracking: '1Z<script>' });
    assert.equal(badTracking.statusCode, 400);
    assert.match(badTracking.body, /id="f-\d+-tracking-error">must be 3-64 letters, digits, spaces or dashes/);
    const badAge = await officer.post(`/staff/requests/${number}/data/${age.id}`, { statement: 'child' });
    assert.equal(badAge.statusCode, 400);
    assert.match(badAge.body, /id="f-\d+-statement-error">must be adult or parental-consent/);
    assert.deepEqual((await read('user.behavior.purchase_history', shipment.ref)).value, shipment.value);
    assert.deepEqual((await read('user.demographic.age_range', '')).value, age.value);
    assert.equal(await countSubjectAudit(db, { subject: mine.subject, action: 'data.correct' }), 0, 'a refused correction writes nothing');

    // A staff role outside the requests desk is refused, and writes nothing.
    const packing = await staffClient(bed.app, db, packer, '127.0.0.3');
    await packing.get('/staff');
    assert.ok(packing.csrf, 'the packer has a form token, so a refusal is not the CSRF check');
    assert.equal((await packing.get(`/staff/requests/${number}/data`)).statusCode, 403);
    assert.equal((await packing.post(`/staff/requests/${number}/data/${company.id}`, { organization: 'Packers Ltd' })).statusCode, 403);
    assert.equal((await read('user.contact.organization', company.ref)).value, 'Analytical Engines LLC');

    await officer.get(`/staff/requests/${number}/data`);
    const fixed = await officer.post(`/staff/requests/${number}/data/${company.id}`, { organization: 'Difference Engines Inc.' });
    assert.equal(fixed.statusCode, 200, fixed.body.slice(0, 300));
    assert.match(fixed.body, /Corrected\./);
    const mailFixed = await officer.post(`/staff/requests/${number}/data/${orderEmail.id}`, { email: 'ada.king@example.com' });
    assert.equal(mailFixed.statusCode, 200, mailFixed.body.slice(0, 300));
    assert.equal((await read('user.contact.organization', company.ref)).value, 'Difference Engines Inc.');
    assert.equal((await read('user.contact.email', orderEmail.ref)).value, 'ada.king@example.com');
    assert.equal((await read('user.contact.email', '')).value, ada.email, 'the sign-in email is untouched');
    assert.equal((await officer.post(`/staff/requests/${number}/data/${shipment.id}`, { carrier: 'UPS', tracking: '1ZCORRECTED0042' })).statusCode, 200);
    assert.deepEqual((await read('user.behavior.purchase_history', shipment.ref)).value, { carrier: 'UPS', tracking: '1ZCORRECTED0042' });
    assert.equal((await officer.post(`/staff/requests/${number}/data/${age.id}`, { statement: 'parental-consent' })).statusCode, 200);
    assert.equal(((await read('user.demographic.age_range', '')).value as { statement: string }).statement, 'parental-consent');
    const found = async (email: string) =>
      (await bed.app.privacy.findSubjects(db, { category: 'user.contact.email', value: email, actor: testActor('test'), purpose: 'account' })).includes(mine.subject);
    assert.equal(await found('ada.king@example.com'), true, 'the blind index follows the corrected order email');

    // Each correction is audited as the privacy officer's, under the data-rights purpose.
    const audit = (await auditActors(db, 'data.correct')).filter((a) => a.outcome === 'ok');
    assert.deepEqual(
      audit.map((a) => `${a.kind}:${a.role}:${a.purpose}`),
      Array(4).fill('staff:dpo:data-rights'),
    );

    // The officer closes the request; it records each correction and the outcome.
    await officer.get(`/staff/requests/${number}`);
    const done = await officer.post(`/staff/requests/${number}/done`, {});
    assert.equal(done.statusCode, 200, done.body.slice(0, 300));
    const { rows: request } = await sql<{ id: string; status: string; outcome: string }>`select id, status, outcome from rights_requests where number = ${number}`.execute(db);
    assert.deepEqual({ status: request[0]!.status, outcome: request[0]!.outcome }, { status: 'completed', outcome: 'done' });
    const { rows: events } = await sql<{ detail: { category?: string } }>`
      select detail from rights_request_events where request_id = ${request[0]!.id}::uuid and event = 'corrected' order by at, id`.execute(db);
    assert.deepEqual(
      events.map((e) => e.detail.category),
      ['user.contact.organization', 'user.contact.email', 'user.behavior.purchase_history', 'user.demographic.age_range'],
    );

    // The customer sees the corrected values in their privacy centre, and the request done.
    const after = (await mine.client.get('/account/privacy')).body;
    assert.ok(after.includes('Difference Engines Inc.') && after.includes('ada.king@example.com') && after.includes('1ZCORRECTED0042'));
    assert.ok(!after.includes('Analytical Engines LLC') && !after.includes(tracking), 'and no longer the old values');
    assert.ok(after.includes(number), 'the request is listed');
  },
);
