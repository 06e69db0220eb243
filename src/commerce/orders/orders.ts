// Creating and reading orders. An order is made from priced cart lines (snapshots of sku, name,
// kind and prices at the time of purchase) and starts in `pending_payment`.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import { preparedRows } from '../../platform/db/prepared.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../../privacy/index.ts';
import { actorRefOf, type OrdersDeps } from './deps.ts';
import type { PricedCart } from './priced.ts';
import { fulfilments, type Fulfilment, type OrderStatus } from './states.ts';
import type { Order, OrderLine, OrdersTables, OrderTransition } from './tables.ts';

export function ordersDb(db: Db): Kysely<OrdersTables> {
  return tablesOf<OrdersTables>(db);
}

export interface NewOrder {
  /** Chosen by the caller when personal items were already written under `order:<id>`. */
  id?: string;
  customerSubject: string;
  customerUserId: string | null;
  priced: PricedCart;
  /** The payment method id, e.g. card, bank-account, invoice, free. */
  paymentMethod: string;
  fulfilment: Fulfilment;
  actor: Actor;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isMinor = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function checkNewOrder(input: NewOrder): void {
  const { priced } = input;
  if (input.id !== undefined && !UUID.test(input.id)) throw validationError('id', 'must be a UUID');
  if (!UUID.test(input.customerSubject)) throw validationError('customerSubject', 'must be a privacy kernel subject id');
  if (input.customerUserId !== null && !UUID.test(input.customerUserId)) throw validationError('customerUserId', 'must be a user id or null');
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(input.paymentMethod)) throw validationError('paymentMethod', 'must be a payment method id');
  if (!fulfilments.includes(input.fulfilment)) throw validationError('fulfilment', `must be one of ${fulfilments.join(', ')}`);
  if (priced.needsShipping && input.fulfilment !== 'ship') throw validationError('fulfilment', 'must be ship: the order holds physical goods');
  if (!/^[A-Z]{3}$/.test(priced.currency)) throw validationError('priced.currency', 'must be an ISO 4217 code');
  if (priced.lines.length === 0) throw validationError('priced.lines', 'must not be empty');
  priced.lines.forEach((line, i) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw validationError(`priced.lines.${i}.quantity`, 'must be a positive whole number');
    if (!isMinor(line.unitMinor) || line.totalMinor !== line.unitMinor * line.quantity) throw validationError(`priced.lines.${i}.totalMinor`, 'must be unitMinor × quantity');
  });
  const sum = priced.lines.reduce((s, l) => s + l.totalMinor, 0);
  if (priced.subtotalMinor !== sum) throw validationError('priced.subtotalMinor', 'must be the sum of the lines');
  if (!isMinor(priced.shippingMinor)) throw validationError('priced.shippingMinor', 'must be whole minor units, 0 or more');
  if (!isMinor(priced.taxMinor)) throw validationError('priced.taxMinor', 'must be whole minor units, 0 or more');
  if (priced.totalMinor !== priced.subtotalMinor + priced.shippingMinor + priced.taxMinor) throw validationError('priced.totalMinor', 'must be subtotal + shipping + tax');
}

/** Creates an order in `pending_payment` with its lines and its first history row. Pass your transaction. */
export async function createOrder(deps: OrdersDeps, db: Db, input: NewOrder): Promise<Order> {
  checkNewOrder(input);
  const { priced } = input;
  const id = input.id ?? randomUUID();
  const now = deps.now();
  const t = ordersDb(db);
  // The order, its lines and its first history row in one statement (one round trip; the lines'
  // and history's foreign keys are checked at its end, when the order row exists).
  const query = t
    .with('o', (w) =>
      w
        .insertInto('orders')
        .values({
          id,
          number: sql<string>`'C-' || nextval('orders_number_seq')::text`,
          customer_subject: input.customerSubject.toLowerCase(),
          customer_user_id: input.customerUserId,
          status: 'pending_payment',
          held_from: null,
          payment_method: input.paymentMethod,
          fulfilment: input.fulfilment,
          currency: priced.currency,
          subtotal_minor: priced.subtotalMinor,
          shipping_minor: priced.shippingMinor,
          tax_minor: priced.taxMinor,
          total_minor: priced.totalMinor,
          created_at: now,
          updated_at: now,
        })
        .returningAll(),
    )
    .with('l', (w) =>
      w.insertInto('orders_lines').values(
        priced.lines.map((l, position) => ({
          order_id: id,
          position,
          variant_id: l.variantId,
          product_id: l.productId,
          vendor_id: l.vendorId,
          sku: l.sku,
          name: l.name,
          kind: l.kind,
          quantity: l.quantity,
          unit_minor: l.unitMinor,
          total_minor: l.totalMinor,
        })),
      ),
    )
    .with('h', (w) =>
      w
        .insertInto('orders_transitions')
        .values({ id: randomUUID(), order_id: id, from_status: null, to_status: 'pending_payment', at: now, actor_ref: actorRefOf(input.actor), reason: null, amount_minor: null }),
    )
    .selectFrom('o')
    .selectAll();
  return (await preparedRows(t, query))[0]!;
}

// Every transition and checkout reads these: built once (compiled-once.ts).
const orderStatement = compiledOnce(['id'], (db, p: { id: string }) => ordersDb(db).selectFrom('orders').selectAll().where('id', '=', p.id), { prepared: true });
const orderLockedStatement = compiledOnce(['id'], (db, p: { id: string }) => ordersDb(db).selectFrom('orders').selectAll().where('id', '=', p.id).forUpdate(), { prepared: true });
const linesStatement = compiledOnce(['orderId'], (db, p: { orderId: string }) => ordersDb(db).selectFrom('orders_lines').selectAll().where('order_id', '=', p.orderId).orderBy('position'), {
  prepared: true,
});

/** The order, or null; `forUpdate` locks its row for the caller's transaction, as a transition does first (lock it before anything else the step touches). */
export async function getOrder(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<Order | null> {
  if (!UUID.test(id)) return null;
  return (await db.executeQuery((options.forUpdate ? orderLockedStatement : orderStatement)(db, { id }))).rows[0] ?? null;
}

export async function getOrderByNumber(db: Db, number: string): Promise<Order | null> {
  if (!/^C-[0-9]{6,12}$/.test(number)) return null;
  return (await ordersDb(db).selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirst()) ?? null;
}

/** The numbers of these orders (ids not found are left out), in one query. */
export async function orderNumbers(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => UUID.test(id));
  if (valid.length === 0) return new Map();
  const rows = await ordersDb(db).selectFrom('orders').select(['id', 'number']).where('id', 'in', valid).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}

/** Orders by id, in one query (those not found are left out). */
export async function ordersByIds(db: Db, ids: readonly string[]): Promise<Map<string, Order>> {
  const valid = [...new Set(ids)].filter((id) => UUID.test(id));
  if (valid.length === 0) return new Map();
  const rows = await ordersDb(db).selectFrom('orders').selectAll().where('id', 'in', valid).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** A customer's orders, newest first. */
export async function ordersOfCustomer(db: Db, subject: string): Promise<Order[]> {
  if (!UUID.test(subject)) return [];
  return ordersDb(db).selectFrom('orders').selectAll().where('customer_subject', '=', subject.toLowerCase()).orderBy('created_at', 'desc').orderBy('number', 'desc').execute();
}

/** How many orders the buyer placed since `since` (a risk rule's velocity); one count, no rows read. */
export async function ordersPlacedSince(db: Db, subject: string, since: Date): Promise<number> {
  if (!UUID.test(subject)) return 0;
  const row = await ordersDb(db)
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_subject', '=', subject.toLowerCase())
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function linesOf(db: Db, orderId: string): Promise<OrderLine[]> {
  return (await db.executeQuery(linesStatement(db, { orderId }))).rows;
}

/** The status history, oldest first. */
export async function historyOf(db: Db, orderId: string): Promise<OrderTransition[]> {
  return ordersDb(db).selectFrom('orders_transitions').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

export interface OrderFilter {
  status?: OrderStatus;
  number?: string;
  /** Orders of these buyers (kernel subjects); an empty list matches nothing. */
  subjects?: readonly string[];
  /** Placed on or after / before these moments. */
  from?: Date;
  before?: Date;
  paymentMethod?: string;
  limit?: number;
  offset?: number;
}

/** Orders for the staff console, newest first, and how many match in all. */
export async function listOrders(db: Db, filter: OrderFilter = {}): Promise<{ items: Order[]; total: number }> {
  let q = ordersDb(db).selectFrom('orders');
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.number) q = q.where('number', '=', filter.number);
  if (filter.subjects) {
    const subjects = filter.subjects.filter((s) => UUID.test(s)).map((s) => s.toLowerCase());
    if (subjects.length === 0) return { items: [], total: 0 };
    q = q.where('customer_subject', 'in', subjects);
  }
  if (filter.from) q = q.where('created_at', '>=', filter.from);
  if (filter.before) q = q.where('created_at', '<', filter.before);
  if (filter.paymentMethod) q = q.where('payment_method', '=', filter.paymentMethod);
  const items = await q
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('number', 'desc')
    .limit(filter.limit ?? 50)
    .offset(filter.offset ?? 0)
    .execute();
  const count = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { items, total: Number(count.n) };
}

/** The payment methods orders were placed with, for the console's filter. */
export async function paymentMethodsUsed(db: Db): Promise<string[]> {
  const rows = await ordersDb(db).selectFrom('orders').select('payment_method').distinct().orderBy('payment_method').execute();
  return rows.map((r) => r.payment_method);
}
