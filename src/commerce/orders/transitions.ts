// Moving an order along the state machine. One call is one step: it locks the order, checks the
// step, records it in the history, keeps shipment details through the kernel (and discloses the
// shipping address to the carrier), queues the status mail and tells the listeners (the payments
// refund seam) — all in the caller's transaction, so either all of it happens or none.
import { SubjectErased, type Actor } from '../../privacy/index.ts';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRefOf, orderRef, type OrdersDeps } from './deps.ts';
import { orderUrl, queueStatusMail, SHIPMENT_CATEGORY, type Shipment } from './mail.ts';
import { queueReceipt } from './receipt.ts';
import { getOrder, linesOf, ordersDb } from './orders.ts';
import { isOrderReason, reasonExplains, staffReasons, type OrderReason } from './reasons.ts';
import { canTransition, isOrderStatus, isPaid, nextStatuses, statusLabels, type OrderStatus } from './states.ts';
import type { Order, OrderLine, OrderTransition } from './tables.ts';

export interface TransitionRequest {
  orderId: string;
  to: OrderStatus;
  actor: Actor;
  /** A code of the reason catalogue (reasons.ts); required for cancelled and on_hold. */
  reason?: string;
  /** Required for shipped (physical orders). */
  carrier?: string;
  tracking?: string;
  /** For refunded / cancelled after payment: what goes back (default: all that is not refunded yet). */
  amountMinor?: number;
  /**
   * For refunded: the units the buyer gives back, per line (its position). Named or not, a refund
   * of the whole total takes every unit back; a partial one takes back only the units named.
   */
  units?: readonly RefundUnit[];
}

/** Units of one order line given back with a refund. */
export interface RefundUnit {
  line: number;
  quantity: number;
}

export interface TransitionEvent {
  order: Order;
  from: OrderStatus;
  to: OrderStatus;
  transitionId: string;
  actor: Actor;
  /** A code of the reason catalogue (reasons.ts). */
  reason: string | null;
  /** The amount to give back (refunded, or cancelled after payment), else null. */
  refundMinor: number | null;
  /**
   * What the buyer no longer has: 'all' for a cancellation and for a refund of the whole total;
   * the units named for a partial refund (none named: a price adjustment, every unit kept); null
   * for any other step. Delivery revokes exactly these units' keys and downloads.
   */
  returned: 'all' | readonly RefundUnit[] | null;
  /** The order's lines, read at most once per step and shared by the listeners (lines never change once placed). */
  lines: () => Promise<readonly OrderLine[]>;
  /**
   * The order as it stands now: `order`, or what a listener before this one moved it to within the
   * step (the risk rules' hold). Such a listener moves it with the deps it was given, which tell this step.
   */
  current: () => Order;
}

/**
 * Called inside the transition's transaction, after it is recorded, with the caller's deps (web
 * app or worker); a throw undoes the step. A module declares it as its Module's
 * `listeners.orderTransition` (checkout calls `refundPayment` there when `refundMinor` is set).
 */
export type TransitionListener = (db: Db, event: TransitionEvent, deps: OrdersDeps) => Promise<void>;

declare module '../../platform/module.ts' {
  interface ModuleListeners {
    orderTransition?: readonly TransitionListener[];
  }
}

const CARRIER = /^[\p{L}\p{N}][\p{L}\p{N} .&-]{0,59}$/u;
const TRACKING = /^[A-Za-z0-9][A-Za-z0-9 -]{2,63}$/;
function invalidStep(order: Order, to: OrderStatus): AppError {
  const next = nextStatuses(order.status, order.fulfilment, order.held_from);
  const message = `Order ${order.number} is ${statusLabels[order.status].toLowerCase()}; it cannot become ${statusLabels[to].toLowerCase()}. ${
    next.length ? `It can become: ${next.join(', ')}.` : 'It cannot change any more.'
  }`;
  return new AppError('ORDER_TRANSITION_INVALID', message, [{ field: 'to', message }]);
}

function checkReason(to: OrderStatus, reason: string | undefined): OrderReason | null {
  if (reason === undefined || reason === '') {
    if (to === 'cancelled' || to === 'on_hold') throw validationError('reason', `is required to make an order ${statusLabels[to].toLowerCase()}`);
    return null;
  }
  if (!isOrderReason(reason) || !reasonExplains(reason, to)) {
    const offered = staffReasons(to);
    throw validationError('reason', offered.length ? `must be one of ${offered.join(', ')}` : `is not given when an order becomes ${statusLabels[to].toLowerCase()}`);
  }
  return reason;
}

function checkShipment(request: TransitionRequest): Shipment | null {
  if (request.to !== 'shipped') {
    if (request.carrier !== undefined) throw validationError('carrier', 'is only given when the order is shipped');
    if (request.tracking !== undefined) throw validationError('tracking', 'is only given when the order is shipped');
    return null;
  }
  return checkShipmentFields(request.carrier ?? '', request.tracking ?? '');
}

/** A carrier and tracking number as shipping an order (or correcting its record) accepts them. */
export function checkShipmentFields(carrierInput: string, trackingInput: string): Shipment {
  const carrier = carrierInput.trim();
  const tracking = trackingInput.trim();
  if (!CARRIER.test(carrier)) throw validationError('carrier', carrier ? 'must be a carrier name of at most 60 letters and digits' : 'is required to ship an order');
  if (!TRACKING.test(tracking)) throw validationError('tracking', tracking ? 'must be 3-64 letters, digits, spaces or dashes' : 'is required to ship an order');
  return { carrier, tracking };
}

function refundOf(order: Order, request: TransitionRequest): number | null {
  const open = order.total_minor - order.refunded_minor;
  const due = request.to === 'refunded' || (request.to === 'cancelled' && isPaid(order));
  if (!due) {
    if (request.amountMinor !== undefined) throw validationError('amountMinor', 'is only given for a refund or a cancellation after payment');
    return null;
  }
  const amount = request.amountMinor ?? open;
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > open) throw validationError('amountMinor', `must be whole minor units between 0 and ${open}`);
  return amount;
}

const MAX_REFUND_UNITS = 200;

/** The units named for a refund, checked against the order's lines (field `units`). */
async function checkUnits(lines: () => Promise<readonly OrderLine[]>, request: TransitionRequest): Promise<readonly RefundUnit[]> {
  const units = request.units ?? [];
  if (units.length === 0) return [];
  if (request.to !== 'refunded') throw validationError('units', 'are only named for a refund');
  if (units.length > MAX_REFUND_UNITS) throw validationError('units', `name at most ${MAX_REFUND_UNITS} lines`);
  const byPosition = new Map((await lines()).map((l) => [l.position, l]));
  const seen = new Set<number>();
  for (const u of units) {
    const line = byPosition.get(u.line);
    if (line === undefined || seen.has(u.line)) throw validationError('units', `line ${u.line} is not a line of this order, or is named twice`);
    if (!Number.isSafeInteger(u.quantity) || u.quantity < 1 || u.quantity > line.quantity)
      throw validationError('units', `${line.name} (line ${u.line}): give back between 1 and ${line.quantity} ${line.quantity === 1 ? 'unit' : 'units'}`);
    seen.add(u.line);
  }
  return units.map((u) => ({ line: u.line, quantity: u.quantity }));
}

/**
 * The checks of a step against the order as it is now, without moving it (a page asking for
 * confirmation checks first; transitionOrder checks again on the locked row).
 */
export function checkStep(order: Order, request: TransitionRequest): { reason: OrderReason | null; shipment: Shipment | null; refundMinor: number | null } {
  if (!canTransition(order.status, request.to, order.fulfilment, order.held_from)) throw invalidStep(order, request.to);
  return { reason: checkReason(request.to, request.reason), shipment: checkShipment(request), refundMinor: refundOf(order, request) };
}

type Step = {
  status: OrderStatus;
  held_from: OrderStatus | null;
  refunded_minor: number;
  updated_at: Date;
  id: string;
  orderId: string;
  from: OrderStatus;
  actorRef: string;
  reason: OrderReason | null;
  amountMinor: number | null;
};

// Every step of every order: built once (compiled-once.ts).
const stepStatement = compiledOnce(
  ['status', 'held_from', 'refunded_minor', 'updated_at', 'id', 'orderId', 'from', 'actorRef', 'reason', 'amountMinor'],
  (db, p: Step) =>
    ordersDb(db)
      .with('u', (w) => w.updateTable('orders').set({ status: p.status, held_from: p.held_from, refunded_minor: p.refunded_minor, updated_at: p.updated_at }).where('id', '=', p.orderId))
      .insertInto('orders_transitions')
      .values({ id: p.id, order_id: p.orderId, from_status: p.from, to_status: p.status, at: p.updated_at, actor_ref: p.actorRef, reason: p.reason, amount_minor: p.amountMinor })
      .returningAll(),
  { prepared: true },
);

/** Moves an order one step; see the file comment. Throws ORDER_TRANSITION_INVALID (409) for a step the state machine forbids. */
export async function transitionOrder(deps: OrdersDeps, db: Db, request: TransitionRequest): Promise<{ order: Order; transition: OrderTransition }> {
  const run = async (trx: Db) => {
    if (typeof request.to !== 'string' || !isOrderStatus(request.to)) throw validationError('to', 'is not an order status');
    const order = await getOrder(trx, request.orderId, { forUpdate: true });
    if (!order) throw notFound('Order');
    const { reason, shipment, refundMinor } = checkStep(order, request);
    let linesRead: Promise<OrderLine[]> | undefined;
    const lines = () => (linesRead ??= linesOf(trx, order.id));
    const units = await checkUnits(lines, request);

    const now = deps.now();
    const change = { status: request.to, held_from: request.to === 'on_hold' ? order.status : null, refunded_minor: order.refunded_minor + (refundMinor ?? 0), updated_at: now };
    // The order's change and its history row in one statement; the order row is locked above, so
    // the update changes exactly it, and the changed row is the locked one with `change` applied.
    const step = stepStatement(trx, { ...change, id: randomUUID(), orderId: order.id, from: order.status, actorRef: actorRefOf(request.actor), reason, amountMinor: refundMinor });
    const transition = (await trx.executeQuery(step)).rows[0]!;
    const updated: Order = { ...order, ...change };
    // A step taken by a listener of an outer step on the same order: the outer step's event.current.
    deps.movedInStep?.(updated);

    if (shipment) await recordShipment(deps, trx, order, shipment, request.actor);
    // An order whose buyer was erased has nobody to tell (and nothing to ship to). Paid: the receipt,
    // once per payment; a paid order released from a hold gets the status mail instead.
    const payment = order.status === 'pending_payment' || (order.status === 'on_hold' && order.held_from === 'pending_payment');
    if (order.customer_subject !== null && request.to === 'paid' && payment)
      await queueReceipt(trx, { order: updated, lines: await lines(), subject: order.customer_subject, transitionId: transition.id, orderUrl: orderUrl(deps.publicUrl, order.number) });
    else if (order.customer_subject !== null)
      await queueStatusMail(trx, {
        orderId: order.id,
        number: order.number,
        subject: order.customer_subject,
        status: request.to,
        transitionId: transition.id,
        publicUrl: deps.publicUrl,
        reason: request.to === 'cancelled' || request.to === 'on_hold' || request.to === 'refunded' ? reason : null,
        withShipment: shipment !== null,
      });
    const whole = request.to === 'cancelled' || (request.to === 'refunded' && updated.refunded_minor >= updated.total_minor);
    const returned = whole ? 'all' : request.to === 'refunded' ? units : null;
    let current = updated;
    const stepDeps: OrdersDeps = {
      ...deps,
      movedInStep: (moved) => {
        if (moved.id === updated.id) current = moved;
        deps.movedInStep?.(moved);
      },
    };
    const event: TransitionEvent = {
      order: updated,
      from: order.status,
      to: request.to,
      transitionId: transition.id,
      actor: request.actor,
      reason,
      refundMinor,
      returned,
      lines,
      current: () => current,
    };
    for (const listener of deps.listeners.orderTransition ?? []) await listener(trx, event, stepDeps);
    return { order: updated, transition };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** What a carrier gets of the buyer: the fields the data map declares for `carriers` (P003-10). */
export const CARRIER_FIELDS = ['user.name', 'user.contact.address', 'user.contact.phone_number'] as const;

/**
 * Keeps carrier and tracking number as the order's kernel item (purpose fulfillment) and hands the
 * buyer's name, shipping address and phone to the carrier through the disclosure ledger, tied to
 * the order (P002-04, P002-12): the kernel refuses any field the data map does not declare for it.
 */
async function recordShipment(deps: OrdersDeps, db: Db, order: Order, shipment: Shipment, actor: Actor): Promise<void> {
  const ref = orderRef(order.id);
  if (order.customer_subject === null) throw new SubjectErased();
  await deps.kernel.write(db, { subject: order.customer_subject, actor, purpose: 'fulfillment', ref, values: { [SHIPMENT_CATEGORY]: { carrier: shipment.carrier, tracking: shipment.tracking } } });
  await deps.kernel.disclose(db, {
    subject: order.customer_subject,
    recipient: 'carriers',
    recipientRef: shipment.carrier,
    categories: CARRIER_FIELDS,
    purpose: 'fulfillment',
    basis: 'fulfillment',
    order: order.id,
    ref,
    actor,
  });
}
