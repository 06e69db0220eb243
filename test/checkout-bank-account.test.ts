// A purchase paid by bank account, end to end: the account is typed on the processor's page and the
// store keeps only the processor's token and the last four digits, as an encrypted kernel item.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { databaseAsText, testEachDatabase } from '../src/platform/testing/databases.ts';
import { testActor } from '../src/privacy/testing.ts';
import { submitPayForm } from '../src/sandbox-processor/testing.ts';
import { addToCart, guest, keyOf, pathOf } from './checkout-support.ts';

const billing = { billing_line1: '2 Ledger Lane', billing_line2: '', billing_postal_code: '10002', billing_city: 'New York', billing_country: 'US' };
const bank = { holder: 'Grace Hopper', routing: '110000000', account: '000123456789' };

testEachDatabase(
  '[P003-02] a guest pays by bank account on the processor page: the store keeps the token and the last four digits, encrypted, and the account number is nowhere in its database or logs',
  async (database, t) => {
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app, logs } = bed;
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'vpn-licence', shop.vpn);
    const form = await buyer.get('/checkout?method=bank-account');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="billing_line1"/, 'the account holder’s address is asked');
    assert.doesNotMatch(form.body, /name="(account|routing)"/, 'the account itself is not asked by the store');

    const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'bank-account', ...guest, ...billing });
    assert.equal(started.statusCode, 303, started.body);
    const payUrl = started.headers.location as string;
    assert.ok(payUrl.startsWith(bed.sandbox.url), `the buyer goes to the processor's own origin (${payUrl})`);
    const paid = await submitPayForm(payUrl, bank);
    assert.equal(paid.status, 303);
    const back = await buyer.get(pathOf(paid.location!));
    assert.equal(back.statusCode, 303, back.body);

    const {
      rows: [order],
    } = await sql<{ id: string; status: string; customer_subject: string; number: string }>`select id, status, customer_subject, number from orders`.execute(database.db);
    assert.equal(order!.status, 'paid');
    const kept = await app.privacy.read(database.db, { subject: order!.customer_subject, actor: testActor('test'), purpose: 'fulfillment', categories: ['user.payment'], ref: `order:${order!.id}` });
    const method = kept.values['user.payment'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(method).sort(), ['brand', 'last4', 'processor', 'token'], 'a token and the last four digits, like a card');
    assert.deepEqual({ brand: method.brand, last4: method.last4 }, { brand: 'bank_account', last4: '6789' });

    const files = await databaseAsText(database, database.url);
    assert.ok(files.includes(order!.number), 'the dump is real: it holds the order number');
    for (const [where, text] of [
      ['the database files', files],
      ['the logs', JSON.stringify(logs)],
    ] as const) {
      assert.ok(!text.includes(bank.account), `the account number is in ${where}`);
      assert.ok(!text.includes('"last4":"6789"') && !text.includes('pm_sbx_'), `the kept token and digits are not in plain text in ${where}`);
    }
  },
);
