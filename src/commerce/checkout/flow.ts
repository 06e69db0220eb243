// The checkout command, as steps in one transaction (decision 0018). Each step either succeeds or
// throws, and a throw rolls everything back: no customer change, no personal item, no reserved
// stock, no order. The one step that talks to the outside world (the processor) runs last, inside
// a savepoint: if it fails, its own writes are undone and the steps before it are compensated in
// the same transaction (stock released, order cancelled with the reason recorded), which commits,
// and the answer is a 503 that the idempotency record does not keep, so a retry runs afresh.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdempotentResult } from '../../platform/idempotency/index.ts';
import { systemActor, type Actor, type PrivacyKernel, type PersonalValue } from '../../privacy/index.ts';
import { fulfilmentOf, methods, type CheckoutSettings, type FieldSpec } from './fields.ts';
import { readCheckoutInput } from './input.ts';
import type { CheckoutCart, CheckoutPorts, SettlementPorts } from './ports.ts';
import type { CheckoutTables } from './tables.ts';
import { checkUnpaidHold, trackedUnits } from './unpaid-hold.ts';

export const CHECKOUT_ACTOR: Actor = systemActor('checkout');

export interface CheckoutDeps {
  ports: CheckoutPorts;
  kernel: PrivacyKernel;
  settings: CheckoutSettings;
  /** The shop's name: the processor's page says whom the buyer pays. */
  shopName?: string;
}

export interface PlaceOrderRequest {
  /** The request's cart; null or empty is CART_EMPTY (checked inside, so a repeat after success still replays). */
  cart: CheckoutCart | null;
  body: Record<string, unknown>;
  /** The signed-in customer, who is the buyer then; null for a guest. */
  customer: { subject: string; userId: string } | null;
  ip: string;
  idempotencyKey: string;
}

/** What checkout answers: a 303 to the processor's page or the confirmation, or a 503 when the processor is down. */
export interface PlacedOrder extends IdempotentResult {
  body: { orderId: string; orderNumber: string; status: string; location: string; code?: string; message?: string };
}

/** What the processor's page says the buyer pays for: the shop and the order number, nothing personal. */
export const paymentDescription = (shopName: string | undefined, number: string) => (shopName ? `${shopName}, order ${number}` : `order ${number}`);

export const confirmationPath = (orderId: string) => `/checkout/done/${orderId}`;

/** The kernel refs an order's items are kept under: its main copy, and one per further item of a category. */
export function refOf(orderId: string, item: string): string {
  return item === 'buyer' || item === 'ship' || item === 'home' ? `order:${orderId}` : `order:${orderId}:${item}`;
}

/** Groups the declared values into kernel writes: one per (ref, purpose), addresses as one object. */
export function personalItems(orderId: string, fields: readonly FieldSpec[], values: Record<string, string>) {
  const writes = new Map<string, { ref: string; purpose: string; values: Record<string, PersonalValue> }>();
  for (const f of fields) {
    const value = values[f.name] ?? '';
    if (value === '' && !f.required && f.category !== 'user.contact.address') continue;
    const purpose = f.purpose;
    const ref = refOf(orderId, f.item);
    const key = `${purpose} ${ref}`;
    const write = writes.get(key) ?? { ref, purpose, values: {} };
    writes.set(key, write);
    if (f.category === 'user.contact.address') {
      write.values[f.category] ??= {};
      const address = write.values[f.category] as Record<string, PersonalValue>;
      address[f.name.slice(f.name.indexOf('_') + 1)] = f.name.endsWith('_country') ? value.toUpperCase() : value;
    } else if (f.category === 'user.demographic.age_range') {
      write.values[f.category] = { statement: value, at: 'checkout' };
    } else {
      write.values[f.category] = value;
    }
  }
  return [...writes.values()];
}

export async function placeOrder(deps: CheckoutDeps, db: Db, request: PlaceOrderRequest): Promise<PlacedOrder> {
  const { ports, kernel, settings } = deps;
  const cart = request.cart;
  if (!cart || cart.lines.length === 0) throw new AppError('CART_EMPTY');
  const priced = await ports.priceLines(db, cart.lines, { shipTo: true });
  // The optional consents ride beside the declared fields (P003-09); the rest is held to them.
  const consents = ports.consents.ticked(request.body);
  const declared = Object.fromEntries(Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([k]) => !ports.consents.fieldNames.includes(k)));
  const input = readCheckoutInput(declared, priced, settings);
  const v = input.values;

  // 1. The buyer: the signed-in customer, or the account of the email typed (found or made, P000-10).
  const guest = request.customer ? null : await ports.customerForCheckout(db, { name: v.name!, email: v.email!, age: v.age as 'adult' | 'parental-consent', ip: request.ip });
  const customer = request.customer ?? guest!;
  // Ticked boxes are the person's grants: the signed-in customer's, or a new account's. A guest
  // typing an email that already has an account cannot consent for it (same answer, nothing recorded).
  if (!guest || guest.created) await ports.consents.record(db, customer.subject, consents);

  // 2. The order's own copies of what the buyer typed, through the kernel (the age statement too, P003-22):
  // one statement, each (purpose, ref) checked and audited as its own write.
  const orderId = randomUUID();
  await kernel.writeAll(db, { subject: customer.subject, actor: CHECKOUT_ACTOR, writes: personalItems(orderId, input.fields, v) });

  // 3. Stock: all or nothing; a missing item throws OUT_OF_STOCK naming the SKU and rolls all back.
  // An order that will wait for the processor or a credit decision holds it within its network's bound (unpaid-hold.ts).
  const waits = methods[input.method].instrument !== null || input.method === 'invoice';
  const source = waits ? ports.sourceOf(request.ip) : null;
  const held = waits ? trackedUnits(priced) : 0;
  if (source) await checkUnpaidHold(db, source, held);
  await ports.reserveStock(db, cart.lines);

  // 4. The order, pending payment.
  const order = await ports.createOrder(db, {
    id: orderId,
    customerSubject: customer.subject,
    customerUserId: customer.userId,
    priced,
    paymentMethod: input.method,
    fulfilment: fulfilmentOf(priced),
    actor: CHECKOUT_ACTOR,
  });
  // The attempt row: written once, with the payment once it is started or already finished when
  // nothing waits for the processor (one statement, not an insert and an update); the unpaid-hold
  // lock taken above is held to commit either way.
  const insertAttempt = (payment: { paymentId: string; redirectUrl: string }) =>
    db.executeQuery(insertAttemptStatement(db, { orderId, cartId: cart.cartId, source, held, paymentId: payment.paymentId, paymentUrl: payment.redirectUrl }));
  const insertFinishedAttempt = (state: FinishedState) =>
    db.executeQuery(insertFinishedAttemptStatement(db, { orderId, cartId: cart.cartId, source: state === 'on_hold' ? source : null, held, state }));
  await ports.orderPlaced?.(db, {
    orderId,
    number: order.number,
    subject: customer.subject,
    totalMinor: priced.totalMinor,
    currency: priced.currency,
    method: input.method,
    shipCountry: v.ship_country ? v.ship_country.toUpperCase() : null,
    billingCountry: v.billing_country ? v.billing_country.toUpperCase() : null,
  });
  const answer = (status: number, location: string, orderStatus: string, extra: { code?: string; message?: string } = {}): PlacedOrder => ({
    status,
    body: { orderId, orderNumber: order.number, status: orderStatus, location, ...extra },
  });

  // 5. Payment, by method.
  const spec = methods[input.method];
  if (input.method === 'free') {
    await insertFinishedAttempt('paid');
    await ports.transitionOrder(db, { orderId, to: 'paid', actor: CHECKOUT_ACTOR, reason: 'nothing_to_pay' });
    await ports.clearCart(db, cart.cartId);
    return answer(303, confirmationPath(orderId), 'paid');
  }
  if (input.method === 'invoice') {
    await insertFinishedAttempt('on_hold');
    // The credit agency gets name and invoice address from one ref (a disclosure reads one ref).
    await kernel.write(db, { subject: customer.subject, actor: CHECKOUT_ACTOR, purpose: 'fulfillment', ref: refOf(orderId, 'billing'), values: { 'user.name': v.name! } });
    await ports.transitionOrder(db, { orderId, to: 'on_hold', actor: CHECKOUT_ACTOR, reason: 'awaiting_credit' });
    await tablesOf<CheckoutTables>(db).insertInto('checkout_credit_approvals').values({ order_id: orderId, recipient: settings.invoiceRecipient! }).execute();
    await ports.clearCart(db, cart.cartId);
    return answer(303, confirmationPath(orderId), 'on_hold');
  }

  await sql`savepoint checkout_payment`.execute(db);
  let started: { paymentId: string; redirectUrl: string };
  try {
    started = await ports.startPayment(db, {
      orderId,
      subject: customer.subject,
      amountMinor: priced.totalMinor,
      currency: priced.currency,
      instrument: spec.instrument!,
      idempotencyKey: `checkout:${request.idempotencyKey}`,
      actor: CHECKOUT_ACTOR,
      description: paymentDescription(deps.shopName, order.number),
      // A plan is renewed off-session (subscriptions): the processor keeps the payment method.
      ...(priced.lines.some((l) => l.billingPeriod) ? { saveForLater: true } : {}),
    });
    await sql`release savepoint checkout_payment`.execute(db);
  } catch (err) {
    if (!(err instanceof AppError) || err.status < 500) throw err;
    // Compensation: undo the payment step's writes, give the stock back, cancel the order with the reason.
    await sql`rollback to savepoint checkout_payment`.execute(db);
    await ports.releaseStock(db, cart.lines);
    await ports.transitionOrder(db, { orderId, to: 'cancelled', actor: CHECKOUT_ACTOR, reason: 'payment_not_started' });
    await insertFinishedAttempt('cancelled');
    return answer(err.status === 502 ? 502 : 503, '/checkout', 'cancelled', { code: err.code, message: err.message });
  }
  await insertAttempt(started);
  return answer(303, started.redirectUrl, 'pending_payment');
}

// The attempt's statements of every checkout, built once (compiled-once.ts).
const insertAttemptStatement = compiledOnce(
  ['orderId', 'cartId', 'source', 'held', 'paymentId', 'paymentUrl'],
  (db, p: { orderId: string; cartId: string; source: Buffer | null; held: number; paymentId: string; paymentUrl: string }) =>
    tablesOf<CheckoutTables>(db)
      .insertInto('checkout_attempts')
      .values({ order_id: p.orderId, cart_id: p.cartId, payment_id: p.paymentId, payment_url: p.paymentUrl, finished_at: null, source: p.source, held_units: p.held }),
  { prepared: true },
);
type FinishedState = 'paid' | 'on_hold' | 'cancelled';
// An attempt that waits for no processor (free, invoice, a payment that could not start) is
// inserted finished; one on hold keeps its source: the unpaid-hold sum still counts it.
const insertFinishedAttemptStatement = compiledOnce(
  ['orderId', 'cartId', 'source', 'held', 'state'],
  (db, p: { orderId: string; cartId: string; source: Buffer | null; held: number; state: FinishedState }) =>
    tablesOf<CheckoutTables>(db)
      .insertInto('checkout_attempts')
      .values({ order_id: p.orderId, cart_id: p.cartId, state: p.state, finished_at: sql<Date>`now()`, source: p.source, held_units: p.held }),
);
const attemptLockedStatement = compiledOnce(
  ['orderId'],
  (db, p: { orderId: string }) => tablesOf<CheckoutTables>(db).selectFrom('checkout_attempts').selectAll().where('order_id', '=', p.orderId).forUpdate(),
  { prepared: true },
);
const cancelAttemptStatement = compiledOnce(['orderId'], (db, p: { orderId: string }) =>
  tablesOf<CheckoutTables>(db).updateTable('checkout_attempts').set({ state: 'cancelled', finished_at: sql<Date>`now()`, source: null }).where('order_id', '=', p.orderId),
);

const payAttemptStatement = compiledOnce(['orderId'], (db, p: { orderId: string }) =>
  tablesOf<CheckoutTables>(db)
    .updateTable('checkout_attempts')
    .set({ state: 'paid', finished_at: sql<Date>`now()`, source: null })
    .where('order_id', '=', p.orderId)
    .where('state', '=', 'awaiting_payment')
    .returning('cart_id'),
);

/** The settlement listener (inside payments' transaction): paid → order paid and cart cleared; declined → stays pending for a retry; expired → cancelled, stock back. */
export async function onSettled(ports: SettlementPorts, db: Db, settlement: { orderId: string; status: string }): Promise<void> {
  if (settlement.status === 'succeeded') {
    // One statement locks the waiting attempt and finishes it (an update waits for the row's lock and
    // re-checks the state on the row as committed, as the locked read did); the order's transition
    // follows in the same transaction, and a failing one rolls the attempt back with it.
    const [paid] = (await db.executeQuery(payAttemptStatement(db, { orderId: settlement.orderId }))).rows;
    if (!paid) return;
    await ports.transitionOrder(db, { orderId: settlement.orderId, to: 'paid', actor: CHECKOUT_ACTOR, reason: 'payment_received' });
    if (paid.cart_id) await ports.clearCart(db, paid.cart_id);
    return;
  }
  const [attempt] = (await db.executeQuery(attemptLockedStatement(db, { orderId: settlement.orderId }))).rows;
  if (attempt?.state !== 'awaiting_payment') return;
  if (settlement.status === 'expired') {
    await cancelAttempt(ports, db, settlement.orderId, 'payment_expired');
  }
}

/** Cancels an order that waits on payment: its stock comes back, the reason is recorded. */
export async function cancelAttempt(
  ports: Pick<SettlementPorts, 'releaseStock' | 'orderLines' | 'transitionOrder'>,
  db: Db,
  orderId: string,
  reason: string,
  actor: Actor = CHECKOUT_ACTOR,
): Promise<void> {
  await ports.releaseStock(db, await ports.orderLines(db, orderId));
  await ports.transitionOrder(db, { orderId, to: 'cancelled', actor, reason });
  await db.executeQuery(cancelAttemptStatement(db, { orderId }));
}

/** The expiry job: orders whose payment has waited longer than `maxAgeMinutes` are asked of the processor once more, then cancelled. */
export async function expireWaitingPayments(ports: SettlementPorts, db: Db, maxAgeMinutes: number, limit = 100): Promise<number> {
  const due = await tablesOf<CheckoutTables>(db)
    .selectFrom('checkout_attempts')
    .select(['order_id', 'payment_id'])
    .where('state', '=', 'awaiting_payment')
    .where('created_at', '<', sql<Date>`now() - make_interval(mins => ${maxAgeMinutes})`)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  let cancelled = 0;
  for (const row of due) {
    const done = await db.transaction().execute(async (trx) => {
      // A payment that did succeed meanwhile is settled here, and the listener (registered at module
      // load) pays the order; calling it again is a no-op, and keeps this job correct on its own.
      const settlement = row.payment_id ? await ports.settlePayment(trx, row.payment_id) : null;
      if (settlement) await onSettled(ports, trx, settlement);
      const still = await tablesOf<CheckoutTables>(trx).selectFrom('checkout_attempts').select('state').where('order_id', '=', row.order_id).forUpdate().executeTakeFirst();
      if (still?.state !== 'awaiting_payment' || settlement?.status === 'succeeded') return false;
      if (row.payment_id) await ports.cancelPayment(trx, row.payment_id);
      await cancelAttempt(ports, trx, row.order_id, 'payment_expired');
      return true;
    });
    if (done) cancelled++;
  }
  return cancelled;
}

export async function attemptOfPayment(db: Db, paymentId: string) {
  return tablesOf<CheckoutTables>(db).selectFrom('checkout_attempts').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
}

export async function attemptOfOrder(db: Db, orderId: string) {
  return tablesOf<CheckoutTables>(db).selectFrom('checkout_attempts').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}
