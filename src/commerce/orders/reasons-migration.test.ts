// Migration orders/0003_reason_codes: the shop's own old reason texts become their codes, text
// typed by staff becomes `other` (dropped), and from then on the column takes codes only.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { migrate } from '../../platform/db/migrate.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { systemActor } from '../../privacy/index.ts';
import { testKernel } from '../../privacy/testing.ts';
import { allMigrations } from '../../modules.ts';
import { createOrder } from './orders.ts';
import { pricedCart, testCustomer, testDeps } from './test-support.ts';

testEachDatabase(
  'orders/0003_reason_codes turns old reason texts into codes and drops typed text',
  async ({ db }) => {
    await migrate(
      db,
      allMigrations.filter((m) => m.id !== 'orders/0003_reason_codes'),
    );
    const { kernel } = await testKernel(db);
    const id = randomUUID();
    const subject = await testCustomer(kernel, db, id);
    await createOrder(testDeps(kernel), db, {
      id,
      customerSubject: subject,
      customerUserId: null,
      priced: pricedCart(),
      paymentMethod: 'card',
      fulfilment: 'ship',
      actor: systemActor('test.checkout'),
    });
    const old = [
      'payment succeeded',
      'Awaiting credit approval',
      'payment could not start: PAYMENT_PROCESSOR_UNAVAILABLE',
      'the buyer deleted their account',
      'Rang Mrs Fairweather, new address 4 Birch Close',
    ];
    for (const reason of old) {
      await sql`insert into orders_transitions (id, order_id, from_status, to_status, actor_ref, reason) values (${randomUUID()}, ${id}, 'paid', 'on_hold', 'staff:x', ${reason})`.execute(db);
    }
    assert.deepEqual(await migrate(db, allMigrations), ['orders/0003_reason_codes']);
    const { rows } = await sql<{ reason: string | null }>`select reason from orders_transitions where order_id = ${id} order by seq`.execute(db);
    assert.deepEqual(
      rows.map((r) => r.reason),
      [null, 'payment_received', 'awaiting_credit', 'payment_not_started', 'account_deleted', 'other'],
    );
    await assert.rejects(
      sql`insert into orders_transitions (id, order_id, from_status, to_status, actor_ref, reason) values (${randomUUID()}, ${id}, 'paid', 'on_hold', 'staff:x', 'some typed text')`.execute(db),
      /orders_transitions_reason_code/,
    );
  },
  { migrate: false },
);
