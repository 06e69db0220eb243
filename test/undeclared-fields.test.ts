// Every public form that collects personal data takes only the fields it declares (P001-02): a
// field it does not ask for is refused with a 400 naming it, and nothing is written. The forms'
// body schemas (src/web/form-handling.ts, additionalProperties: false; the validator keeps extra
// fields rather than dropping them: src/web/validation.ts) refuse it before any handler runs.
// Each form is then sent again without the extra field and accepted, so the 400 was the field's.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm } from '../src/accounts/testing.ts';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { tableMarks, tablesWritten } from '../src/platform/testing/table-writes.ts';
import { RECORDS_EVERY_REQUEST } from './fuzz-hostile-support.ts';

const EXTRA = { shoe_size: '9' };
const person = { name: 'Grace Hopper', email: 'grace.hopper@example.com' };

testEachDatabase('[P001-02] every public form that collects personal data refuses an undeclared field with a 400 naming it and writes nothing', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const shop = await makeShop(database.db);
    // A free item: the order is placed without a payment processor.
    await sql`update catalogue_variants set price_minor = 0 where id = ${shop.vpn}`.execute(database.db);
    const customer = new FormClient(app);
    await signUpAndConfirm(customer, database.db);
    const buyer = newClient(app);
    await buyer.get('/products/vpn-licence');
    let added = await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1' });
    // A browser without a cookie yet may be asked to confirm the first add (the cart's cookie notice).
    if (added.statusCode !== 303 && /name="confirm"/.test(added.body)) added = await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1', confirm: '1' });
    assert.equal(added.statusCode, 303, added.body);

    const forms: { path: string; page?: string; client: FormClient; body: () => Promise<Record<string, string>>; accepted: number }[] = [
      {
        path: '/support',
        client: new FormClient(app),
        body: async () => ({ ...person, subject: 'A cable is missing', message: 'The router came without its power cable.', reply_by: 'email' }),
        accepted: 200,
      },
      { path: '/account/signup', client: new FormClient(app), body: async () => ({ ...person, password: 'correct-horse-77-staple', age: 'adult' }), accepted: 200 },
      { path: '/mailing-list', client: new FormClient(app), body: async () => ({ ...person }), accepted: 200 },
      { path: '/quote', client: new FormClient(app), body: async () => ({ ...person, organisation: 'Harvard Computation Lab', system: 'Two sites, 24 cells each.' }), accepted: 200 },
      { path: '/privacy/complaint', client: new FormClient(app), body: async () => ({ ...person, text: 'You mailed me offers after I turned them off.' }), accepted: 200 },
      { path: '/account/testimonials', client: customer, body: async () => ({ words: 'Setup took an afternoon.', shown_as: 'initial', consent: 'yes' }), accepted: 200 },
      {
        path: '/checkout',
        client: buyer,
        body: async () => {
          const page = await buyer.get('/checkout');
          return { idempotency_key: /name="idempotency_key" value="([^"]+)"/.exec(page.body)?.[1] ?? '', method: 'free', ...person, age: 'adult' };
        },
        accepted: 303,
      },
    ];

    for (const form of forms) {
      const page = await form.client.get(form.path);
      assert.equal(page.statusCode, 200, `${form.path}: ${page.body.slice(0, 300)}`);
      const body = await form.body();
      const before = await tableMarks(database.db);
      const refused: LightMyRequestResponse = await form.client.post(form.path, { ...body, ...EXTRA });
      assert.equal(refused.statusCode, 400, `${form.path}: ${refused.body.slice(0, 300)}`);
      assert.match(refused.body, /shoe_size/, `${form.path}: the answer names the field`);
      assert.deepEqual(tablesWritten(before, await tableMarks(database.db), RECORDS_EVERY_REQUEST), [], `${form.path}: nothing written`);

      // The same form without the extra field is accepted: the field alone was refused.
      await form.client.get(form.path);
      const sent = await form.client.post(form.path, await form.body());
      assert.equal(sent.statusCode, form.accepted, `${form.path}: ${sent.body.slice(0, 300)}`);
    }
  } finally {
    await app.close();
  }
});
