// Preferences in the privacy centre, end to end after a real purchase: the preferred contact
// channel staff see on the customer's and the order's console pages (P004-14), and the
// CPNI-marketing opt-out that stops that use while orders, their pages and their mail go on
// (P003-17). Decision 0051.
import assert from 'node:assert/strict';
import { staffClient } from '../src/accounts/testing.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { isPrivacyRefusal, systemActor } from '../src/privacy/index.ts';
import { consentRows } from '../src/privacy/testing.ts';
import { staffTokenHeaders } from '../src/accounts/testing.ts';
import { ada, customerWithHistory, rightsBed } from './rights-support.ts';

const support = { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: 'amber-lighthouse-27-quietly-sings' };

testEachDatabase(
  '[P004-14][P003-17] a customer chooses to be answered by phone and staff see it on the customer and order pages; opting out of CPNI marketing stops that use while orders, their pages and their mail go on',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = bed.app.db;
    const mine = await customerWithHistory(bed, ada);

    // P004-14: phone is offered because a phone number is held (from checkout); email is the default.
    const centre = await mine.client.get('/account/privacy');
    assert.match(centre.body, /<input type="radio" id="contact-email" name="channel" value="email" checked>/);
    assert.match(centre.body, /<label for="contact-phone">Phone \(\+1 212 555 0147\)<\/label>/);
    assert.equal((await mine.client.post('/account/privacy/contact', { channel: 'fax' })).statusCode, 400);
    const api = await bed.app.inject({
      method: 'PUT',
      url: '/api/account/contact-channel',
      headers: { cookie: `__Host-session=${mine.sessionCookie}`, 'content-type': 'application/json' },
      payload: { channel: 'email' },
    });
    assert.equal(api.statusCode, 200, api.body);
    const chosen = await mine.client.post('/account/privacy/contact', { channel: 'phone' });
    assert.equal(chosen.statusCode, 200, chosen.body.slice(0, 300));
    assert.match(chosen.body, /We answer you by phone from now on/);
    assert.match(chosen.body, /id="contact-phone" name="channel" value="phone" checked/);

    const staff = await staffClient(bed.app, db, support);
    const customerPage = await staff.get(`/staff/customers/${mine.subject}`);
    assert.equal(customerPage.statusCode, 200, customerPage.body.slice(0, 300));
    assert.match(customerPage.body, /<dt>Answer by<\/dt><dd>prefers phone<\/dd>/);
    const orderPage = await staff.get(`/staff/orders/${mine.paid.number}`);
    assert.match(orderPage.body, /Buyer <strong>prefers phone<\/strong>/);

    // P003-17: before the opt-out the shop may use the data for CPNI-based offers; after it, the kernel refuses.
    const mailer = systemActor('comms.send');
    const cpniRead = () => bed.app.privacy.read(db, { subject: mine.subject, actor: mailer, purpose: 'cpni-marketing', categories: ['user.contact.email'] });
    assert.equal((await cpniRead()).values['user.contact.email'], ada.email);
    const off = await mine.client.post('/account/privacy/choices', { purpose: 'cpni-marketing', choice: 'withdraw' });
    assert.match(off.body, /CPNI-based offers is now off/);
    assert.deepEqual(await consentRows(db, { subject: mine.subject }), [{ purpose: 'cpni-marketing', action: 'withdraw', channel: 'web' }]);
    await assert.rejects(cpniRead(), (err: unknown) => isPrivacyRefusal(err) && err.reason === 'consent-withdrawn');

    // Service goes on: the orders and their pages, a status change and its mail.
    const orders = await mine.client.get('/account/orders');
    assert.equal(orders.statusCode, 200);
    assert.ok(orders.body.includes(mine.paid.number) && orders.body.includes(mine.waiting.number));
    assert.equal((await mine.client.get(`/account/orders/${mine.paid.number}`)).statusCode, 200);
    const fulfilment = await staffTokenHeaders(bed.app, db, 'fulfilment');
    const delivered = await bed.app.inject({ method: 'POST', url: `/api/staff/orders/${mine.paid.number}/transitions`, headers: fulfilment, payload: { to: 'delivered' } });
    assert.equal(delivered.statusCode, 200, delivered.body);
    const mail = await bed.sink!.waitForMail((m) => m.to.some((to) => to.includes(ada.email)) && m.subject === `Order ${mine.paid.number}: Delivered`, 20_000);
    assert.match(mail.text, /is now: Delivered/);
    assert.deepEqual(await consentRows(db, { subject: mine.subject }), [{ purpose: 'cpni-marketing', action: 'withdraw', channel: 'web' }], 'the opt-out stands');
  },
  { timeout: 180_000 },
);
