// Why an order changed status is chosen from a fixed catalogue, on the staff console and the staff
// API: text typed by staff (which tends to quote the buyer) is refused and never stored, queued or
// logged; the buyer's mail and order page show the reason's wording.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { staffClient, staffTokenHeaders } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { systemActor } from '../../privacy/index.ts';
import { ordersDeps } from './deps.ts';
import { STATUS_TEMPLATE } from './mail.ts';
import { createOrder } from './orders.ts';
import { orderReasons, staffReasons } from './reasons.ts';
import { pricedCart, testCustomer } from './test-support.ts';
import { transitionOrder } from './transitions.ts';

const system = systemActor('test.checkout');
const typed = 'Rang Mrs Fairweather, she moved to 4 Birch Close';

testEachDatabase(
  "an order's status reason is a fixed code: text typed by staff is refused on the form and the API and is nowhere in the history, the outbox or the logs; the mail shows the wording",
  async (database) => {
    const { app, logs } = await buildTestApp(database);
    try {
      const { db } = database;
      const staffHeaders = await staffTokenHeaders(app, db, 'owner');
      const id = randomUUID();
      const subject = await testCustomer(app.privacy, db, id);
      const order = await createOrder(ordersDeps(app), db, { id, customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'card', fulfilment: 'ship', actor: system });
      await transitionOrder(ordersDeps(app), db, { orderId: id, to: 'paid', actor: system });
      const owner = await staffClient(app, db, { name: 'Perpetua Hollins', email: 'perpetua@shop.example', role: 'owner', password: 'granite-heron-58-waits-patiently' });

      // The console offers the catalogue as a choice, no text box.
      const page = await owner.get(`/staff/orders/${order.number}`);
      assert.match(page.body, /<select id="on_hold-reason" name="reason" required>/);
      for (const code of staffReasons('on_hold')) assert.ok(page.body.includes(`<option value="${code}">${orderReasons[code].label}</option>`), code);
      assert.doesNotMatch(page.body, /name="reason" maxlength/);

      // Typed text is refused, naming the field, on the form and on the API.
      const refused = await owner.post(`/staff/orders/${order.number}/transition`, { to: 'on_hold', reason: typed });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /reason must be one of/);
      const api = await app.inject({ method: 'POST', url: `/api/staff/orders/${order.number}/transitions`, headers: staffHeaders, payload: { to: 'cancelled', reason: typed } });
      assert.equal(api.statusCode, 400);
      assert.equal(api.json().error.fields[0].field, 'body.reason');
      // A code that does not explain this step is refused too.
      const wrongStep = await app.inject({ method: 'POST', url: `/api/staff/orders/${order.number}/transitions`, headers: staffHeaders, payload: { to: 'on_hold', reason: 'goodwill' } });
      assert.equal(wrongStep.statusCode, 400);
      assert.match(wrongStep.json().error.message, /body\.reason: must be one of .*address_check/);

      await owner.get(`/staff/orders/${order.number}`);
      const held = await owner.post(`/staff/orders/${order.number}/transition`, { to: 'on_hold', reason: 'address_check' });
      assert.equal(held.statusCode, 303, held.body.slice(0, 300));

      const { rows: history } = await sql<{ reason: string | null }>`select reason from orders_transitions where order_id = ${id} order by seq`.execute(db);
      assert.deepEqual(
        history.map((h) => h.reason),
        [null, null, 'address_check'],
      );
      const {
        rows: [dump],
      } = await sql<{ text: string }>`
      select (select coalesce(string_agg(row_to_json(t)::text, ' '), '') from orders_transitions t)
          || (select coalesce(string_agg(row_to_json(o)::text, ' '), '') from comms_outbox o) as text`.execute(db);
      for (const part of ['Fairweather', 'Birch Close', 'Rang']) {
        assert.ok(!dump!.text.includes(part), `"${part}" is not in orders_transitions or the outbox`);
        assert.ok(!JSON.stringify(logs).includes(part), `"${part}" is not in the logs`);
      }

      // The status mail carries the code; the buyer reads the wording.
      const {
        rows: [mail],
      } = await sql<{ params: Record<string, string> }>`select params from comms_outbox where template = ${STATUS_TEMPLATE} and params->>'status' = 'on_hold'`.execute(db);
      assert.equal(mail!.params.reason, 'address_check');
      const rendered = app.wiring.mailTemplates.get(STATUS_TEMPLATE)!.render({ params: mail!.params, personal: {}, shop: { name: 'Test Shop', url: 'https://shop.example' } });
      assert.ok(rendered.text.includes(`Reason: ${orderReasons.address_check.wording}`), rendered.text);
    } finally {
      await app.close();
    }
  },
);
