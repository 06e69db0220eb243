// Deletion on request, end to end (P000-12, P004-18): a customer with a history deletes their account
// in the privacy centre. Sessions end at once; the open order is cancelled and its stock given back;
// the processor forgets them; every recipient gets a ledgered notice; a receipt reaches them before
// their address is shredded; then no route, page or API returns them, and none of their values is
// left in the data directory, the mail spool, the processor's storage, the database or the logs.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { ada, bob, customerWithHistory, everything, rightsBed, valuesOf, waitForRequest } from './rights-support.ts';
import { noticeDeliveries, testActor } from '../src/privacy/testing.ts';
import { staffTokenHeaders } from '../src/accounts/testing.ts';

const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;

testEachDatabase(
  '[P000-12][P003-25][P004-18] a customer deletes their account in the privacy centre: signed out at once, open orders cancelled, the processor forgets, recipients told, a receipt mailed first, then nothing of them anywhere',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    const mine = await customerWithHistory(bed, ada);
    const other = await customerWithHistory(bed, bob);
    const stockBefore = (await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(db)).rows[0]!.stock;

    // Before: the processor holds the buyer's name and email, so the search below can find them.
    const before = await everything(bed, database);
    assert.ok(before.find(([where]) => where === 'sandbox processor storage')![1].includes(ada.email));

    const form = await mine.client.get('/account/privacy/delete');
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(mine.waiting.number), 'the page names the open order it will cancel');
    assert.match(form.body, /Shipping carriers/);
    assert.equal((await mine.client.post('/account/privacy/delete', { password: 'not-my-password-at-all' })).statusCode, 400, 'a wrong password deletes nothing');
    assert.equal(await count(db, sql`select count(*)::int as n from rights_requests`), 0);

    const done = await mine.client.post('/account/privacy/delete', { password: ada.password });
    assert.equal(done.statusCode, 200, done.body.slice(0, 300));
    assert.match(done.body, /being deleted/);
    const number = /R-\d{6}/.exec(done.body)![0];

    // At once: the old session cookie opens nothing.
    const old = `__Host-session=${mine.sessionCookie}`;
    for (const url of ['/account', '/account/privacy', `/account/orders/${mine.paid.number}`]) {
      const res = await bed.app.inject({ method: 'GET', url, headers: { cookie: old } });
      assert.equal(res.statusCode, 303, `${url} with the old cookie`);
      assert.equal(res.headers.location, '/account/login');
    }
    assert.equal((await bed.app.inject({ method: 'GET', url: '/api/account/orders', headers: { cookie: old } })).statusCode, 401);

    // The job runs the steps; the receipt arrives before the address is shredded.
    await waitForRequest(db, 'completed');
    const receipt = bed.sink!.received.find((m) => m.to.some((to) => to.includes(ada.email)) && /is deleted/.test(m.subject));
    assert.ok(receipt, 'the receipt was mailed to the person');
    assert.ok(receipt.text.includes(number));
    assert.match(receipt.text, /Shipping carriers/);
    assert.match(receipt.text, /Card and bank payment processor/);
    assert.match(receipt.text, /accounting record of your 2 orders/);

    // The open order was cancelled with its stock given back; the paid and shipped one stays, unlinked.
    const orders = (
      await sql<{ number: string; status: string; customer_subject: string | null; customer_user_id: string | null }>`
    select number, status, customer_subject, customer_user_id from orders where number in (${mine.paid.number}, ${mine.waiting.number}) order by number`.execute(db)
    ).rows;
    assert.deepEqual(
      orders.map((o) => [o.number, o.status, o.customer_subject, o.customer_user_id]),
      [
        [mine.paid.number, 'shipped', null, null],
        [mine.waiting.number, 'cancelled', null, null],
      ],
    );
    assert.equal((await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(db)).rows[0]!.stock, stockBefore + 1);
    assert.equal(await count(db, sql`select count(*)::int as n from payments_attempts where subject_id = ${mine.subject}::uuid`), 0);
    assert.equal(await count(db, sql`select count(*)::int as n from accounts_users where subject_id = ${mine.subject}::uuid`), 0);
    assert.equal(await count(db, sql`select count(*)::int as n from cart_saved_lists where subject_id = ${mine.subject}::uuid`), 0);
    assert.equal(await count(db, sql`select count(*)::int as n from comms_outbox where subject_id = ${mine.subject}::uuid`), 0);

    // Every recipient was told: the processor through its API at once, the carrier by the privacy officer.
    const notices = await noticeDeliveries(db, mine.subject);
    assert.deepEqual(notices, [
      { recipient: 'carriers', channel: null },
      { recipient: 'payment-processor', channel: 'api' },
    ]);

    // No route returns them: staff find nobody by their email, the order shows no buyer, they cannot sign in.
    const lookup = await bed.app.inject({ method: 'GET', url: `/api/staff/orders/${mine.paid.number}/delivery?purpose=fulfillment`, headers: await staffTokenHeaders(bed.app, db, 'fulfilment') });
    assert.ok([404, 410].includes(lookup.statusCode), `delivery details of an erased buyer: ${lookup.statusCode}`);
    const signIn = await bed.app.inject({ method: 'POST', url: '/api/account/login', payload: { email: ada.email, password: ada.password } });
    assert.equal(signIn.statusCode, 401);
    const subjects = await bed.app.privacy.findSubjects(db, { category: 'user.contact.email', value: ada.email, actor: testActor('test'), purpose: 'account' });
    assert.deepEqual(subjects, []);

    // And nothing of them is left anywhere the shop or its processor keeps data; the other customer is untouched.
    for (const [where, text] of await everything(bed, database)) {
      for (const value of valuesOf(ada)) assert.ok(!text.includes(value), `${value} is still in ${where}`);
    }
    assert.ok((await everything(bed, database)).find(([where]) => where === 'sandbox processor storage')![1].includes(bob.email), 'the other buyer is still at the processor');
    const theirs = await other.client.get('/account/privacy');
    assert.equal(theirs.statusCode, 200);
    assert.ok(theirs.body.includes(bob.street));
  },
);
