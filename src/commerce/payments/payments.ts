// The payments commands. Each takes the caller's transaction: a payment row changes together with
// whatever the caller does (the order moving, the stock coming back), and the settlement listeners
// run inside it too. The processor is asked, never trusted from a redirect or a webhook body.
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { preparedRows } from '../../platform/db/prepared.ts';
import { AppError, conflict, notFound, validationError } from '../../platform/errors.ts';
import type { Listeners } from '../../platform/module.ts';
import { actorRef, systemActor, type Actor, type PrivacyKernel } from '../../privacy/index.ts';
import type { PaymentInstrument, PaymentStatus } from './port.ts';
import type { Processors } from './processors.ts';
import type { Selectable } from 'kysely';
import type { PaymentAttemptTable as PaymentTable, PaymentsTables } from './tables.ts';

export type PaymentRow = Selectable<PaymentTable>;

export interface PaymentsDeps {
  kernel: PrivacyKernel;
  processors: Processors;
  /** The shop's public address: the processor sends the buyer back to /checkout/return/<paymentId>. */
  publicUrl: string;
  /** Every module's listeners (`wiring.listeners`): settling tells `paymentSettled`; a listener may raise other events with them. */
  listeners: Listeners;
}

export interface StartPaymentInput {
  orderId: string;
  /** The buyer's kernel subject; name and email are disclosed from the order's copy (`order:<orderId>`). */
  subject: string;
  amountMinor: number;
  currency: string;
  instrument: PaymentInstrument;
  idempotencyKey: string;
  actor: Actor;
  /** Shown on the processor's page (the shop's name and the order number; no personal data). */
  description?: string;
  /** A plan is bought: the processor keeps the payment method for the renewals (subscriptions). */
  saveForLater?: boolean;
  /** The kernel ref whose name and email are disclosed; default `order:<orderId>` (a subscription's invoice names its order's). */
  ref?: string;
  /** Purpose and basis of the disclosure: `fulfillment` (default, an order) or `billing` (a subscription's invoice). */
  purpose?: 'fulfillment' | 'billing';
  /** The shop's path the processor sends the buyer back to; default /checkout/return/<paymentId>. */
  returnTo?: string;
}

export interface StartedPaymentResult {
  paymentId: string;
  redirectUrl: string;
}

export interface Settlement {
  paymentId: string;
  orderId: string;
  status: PaymentStatus;
  last4?: string;
  brand?: string;
  failureCode?: string;
  /** The payment asked the processor to keep its method for later (`StartPaymentInput.saveForLater`). */
  saveForLater?: true;
}

/**
 * Called inside the settling transaction each time a payment reaches succeeded, failed or expired
 * (once each), with the settling caller's deps (the web app's or a worker's). A module declares it
 * as its Module's `listeners.paymentSettled`.
 */
export type SettlementListener = (db: Db, settlement: Settlement, deps: PaymentsDeps) => Promise<void>;

declare module '../../platform/module.ts' {
  interface ModuleListeners {
    paymentSettled?: readonly SettlementListener[];
  }
}

export const PAYMENTS_ACTOR: Actor = systemActor('payments');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The payment id follows from the idempotency key, so a retry (same key) of a start that committed
 * finds the same payment, and two starts at once with one key make one (the key's unique row).
 */
export function paymentIdFor(idempotencyKey: string): string {
  const h = createHash('sha256').update(`payments:${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const returnPath = (paymentId: string) => `/checkout/return/${paymentId}`;

export async function getPayment(db: Db, paymentId: string): Promise<PaymentRow | null> {
  if (!UUID.test(paymentId)) return null;
  return (await preparedRows(db, tablesOf<PaymentsTables>(db).selectFrom('payments_attempts').selectAll().where('id', '=', paymentId)))[0] ?? null;
}

export async function paymentsOfOrder(db: Db, orderId: string): Promise<PaymentRow[]> {
  if (!UUID.test(orderId)) return [];
  return tablesOf<PaymentsTables>(db).selectFrom('payments_attempts').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
}

function checkStart(input: StartPaymentInput): void {
  if (!UUID.test(input.orderId)) throw validationError('orderId', 'must be an order id');
  if (!UUID.test(input.subject)) throw validationError('subject', 'must be a subject id');
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 1 || input.amountMinor > 2_147_483_647) throw validationError('amountMinor', 'must be a whole number of minor units above 0');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw validationError('currency', 'must be an ISO 4217 code such as USD');
  if (input.instrument !== 'card' && input.instrument !== 'bank-account') throw validationError('instrument', 'must be card or bank-account');
  if (input.idempotencyKey.length < 1 || input.idempotencyKey.length > 200) throw validationError('idempotencyKey', 'must be 1 to 200 characters');
}

// The statements of every checkout's payment and its settlement, built once (compiled-once.ts).
const paymentByKeyStatement = compiledOnce(['key'], (db, p: { key: string }) => tablesOf<PaymentsTables>(db).selectFrom('payments_attempts').selectAll().where('idempotency_key', '=', p.key), {
  prepared: true,
});
const paymentLockedStatement = compiledOnce(['id'], (db, p: { id: string }) => tablesOf<PaymentsTables>(db).selectFrom('payments_attempts').selectAll().where('id', '=', p.id).forUpdate(), {
  prepared: true,
});
const insertPaymentStatement = compiledOnce(
  ['id', 'orderId', 'subject', 'processor', 'processorRef', 'instrument', 'amountMinor', 'currency', 'redirectUrl', 'key', 'saveForLater'],
  (
    db,
    p: {
      id: string;
      orderId: string;
      subject: string;
      processor: string;
      processorRef: string;
      instrument: PaymentInstrument;
      amountMinor: number;
      currency: string;
      redirectUrl: string;
      key: string;
      saveForLater: boolean;
    },
  ) =>
    tablesOf<PaymentsTables>(db)
      .insertInto('payments_attempts')
      .values({
        id: p.id,
        order_id: p.orderId,
        subject_id: p.subject,
        processor: p.processor,
        processor_ref: p.processorRef,
        instrument: p.instrument,
        amount_minor: p.amountMinor,
        currency: p.currency,
        failure_code: null,
        redirect_url: p.redirectUrl,
        idempotency_key: p.key,
        save_for_later: p.saveForLater,
        settled_at: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id'),
);
const settleStatement = compiledOnce(['status', 'failureCode', 'id'], (db, p: { status: PaymentStatus; failureCode: string | null; id: string }) =>
  tablesOf<PaymentsTables>(db)
    .updateTable('payments_attempts')
    .set({ status: p.status, failure_code: p.failureCode, settled_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', p.id),
);

/**
 * Discloses the buyer's name and email to the processor (ledgered, for this order), opens a
 * session there and records the payment. The same idempotency key answers the same payment
 * without calling the processor again. Throws PAYMENT_PROCESSOR_UNAVAILABLE (503) when the
 * processor cannot be reached; the caller's transaction (or savepoint) then holds no payment.
 */
export async function startPayment(deps: PaymentsDeps, db: Db, input: StartPaymentInput): Promise<StartedPaymentResult> {
  checkStart(input);
  const t = tablesOf<PaymentsTables>(db);
  const [earlier] = (await db.executeQuery(paymentByKeyStatement(db, { key: input.idempotencyKey }))).rows;
  if (earlier) return sameRequest(earlier, input);

  const processor = deps.processors.active;
  const paymentId = paymentIdFor(input.idempotencyKey);
  const disclosed = await deps.kernel.disclose(db, {
    subject: input.subject,
    recipient: 'payment-processor',
    recipientRef: processor.id,
    categories: ['user.name', 'user.contact.email'],
    purpose: input.purpose ?? 'fulfillment',
    basis: input.purpose ?? 'fulfillment',
    ...(input.purpose === 'billing' ? {} : { order: input.orderId }),
    ref: input.ref ?? `order:${input.orderId}`,
    actor: input.actor,
  });
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const returnUrl = `${deps.publicUrl}${input.returnTo ?? returnPath(paymentId)}`;
  const started = await processor.start({
    paymentId,
    orderId: input.orderId,
    amountMinor: input.amountMinor,
    currency: input.currency,
    instrument: input.instrument,
    returnUrl,
    cancelUrl: `${returnUrl}?cancelled=1`,
    customer: { name: text(disclosed.values['user.name']), email: text(disclosed.values['user.contact.email']) },
    // The processor's key names this order too. A process killed after the processor opened the
    // session and before the commit leaves no order; the retry makes another (a new number, so a
    // new description), and under the bare payment key the processor would refuse it as the key
    // reused for another request, on every retry. The cut-off session's address never reached
    // the buyer, so nobody can pay it; the processor expires it, and its events match no payment.
    idempotencyKey: `payment:${paymentId}:${input.orderId}`,
    ...(input.description ? { description: input.description.slice(0, 200) } : {}),
    ...(input.saveForLater ? { saveForLater: true } : {}),
  });
  const [inserted] = (
    await db.executeQuery(
      insertPaymentStatement(db, {
        id: paymentId,
        orderId: input.orderId,
        subject: input.subject,
        processor: processor.id,
        processorRef: started.processorRef,
        instrument: input.instrument,
        amountMinor: input.amountMinor,
        currency: input.currency,
        redirectUrl: started.redirectUrl,
        key: input.idempotencyKey,
        saveForLater: input.saveForLater === true,
      }),
    )
  ).rows;
  if (!inserted) {
    // A concurrent start with this key committed first; the processor answered both with one session.
    const winner = await t.selectFrom('payments_attempts').selectAll().where('idempotency_key', '=', input.idempotencyKey).executeTakeFirstOrThrow();
    return sameRequest(winner, input);
  }
  return { paymentId, redirectUrl: started.redirectUrl };
}

function sameRequest(row: PaymentRow, input: StartPaymentInput): StartedPaymentResult {
  if (row.order_id !== input.orderId || row.amount_minor !== input.amountMinor || row.currency !== input.currency || row.instrument !== input.instrument) {
    throw conflict('This idempotency key was already used for another payment.', 'idempotencyKey');
  }
  return { paymentId: row.id, redirectUrl: row.redirect_url };
}

async function lockedPayment(db: Db, paymentId: string): Promise<PaymentRow> {
  if (!UUID.test(paymentId)) throw notFound('The payment');
  const [row] = (await db.executeQuery(paymentLockedStatement(db, { id: paymentId }))).rows;
  if (!row) throw notFound('The payment');
  return row;
}

async function storedMethod(deps: PaymentsDeps, db: Db, row: PaymentRow): Promise<{ last4?: string; brand?: string }> {
  if (row.subject_id === null) return {}; // the buyer was erased
  try {
    const record = await deps.kernel.read(db, { subject: row.subject_id, actor: PAYMENTS_ACTOR, purpose: 'fulfillment', categories: ['user.payment'], ref: `order:${row.order_id}` });
    const method = record.values['user.payment'] as { last4?: unknown; brand?: unknown } | undefined;
    return {
      ...(typeof method?.last4 === 'string' ? { last4: method.last4 } : {}),
      ...(typeof method?.brand === 'string' ? { brand: method.brand } : {}),
    };
  } catch {
    return {}; // erased or refused: the settlement stands without the card's description
  }
}

function settlementOf(row: PaymentRow, status: PaymentStatus, extra: { last4?: string; brand?: string; failureCode?: string | null }): Settlement {
  return {
    paymentId: row.id,
    orderId: row.order_id,
    status,
    ...(extra.last4 ? { last4: extra.last4 } : {}),
    ...(extra.brand ? { brand: extra.brand } : {}),
    ...(extra.failureCode ? { failureCode: extra.failureCode } : {}),
    ...(row.save_for_later ? { saveForLater: true as const } : {}),
  };
}

/**
 * Asks the processor how the payment stands and records it. A payment that is still open stays
 * open (a declined card may be retried on the processor's page); one that reached an end is
 * settled once: the token and last four stored through the kernel, the listeners told, all in the
 * caller's transaction. Settling a settled payment answers the recorded result and asks nobody.
 */
export async function settlePayment(deps: PaymentsDeps, db: Db, paymentId: string): Promise<Settlement> {
  const row = await lockedPayment(db, paymentId);
  if (row.status !== 'open') return settlementOf(row, row.status, { ...(await storedMethod(deps, db, row)), failureCode: row.failure_code });
  const outcome = await deps.processors.byId(row.processor).retrieve(row.processor_ref);
  if (outcome.processorRef !== row.processor_ref || outcome.amountMinor !== row.amount_minor || outcome.currency !== row.currency) {
    throw new AppError('PAYMENT_PROCESSOR_ERROR', 'The processor reports another amount or session for this payment.');
  }
  if (outcome.status === 'open') return settlementOf(row, 'open', { failureCode: outcome.failureCode ?? null });
  await db.executeQuery(settleStatement(db, { status: outcome.status, failureCode: outcome.failureCode ?? null, id: row.id }));
  if (outcome.token && row.subject_id !== null) {
    await deps.kernel.write(db, {
      subject: row.subject_id,
      actor: PAYMENTS_ACTOR,
      purpose: 'fulfillment',
      ref: `order:${row.order_id}`,
      values: {
        'user.payment': {
          processor: row.processor,
          token: outcome.token,
          brand: outcome.brand ?? null,
          last4: outcome.last4 ?? null,
          ...(outcome.customerRef ? { customer: outcome.customerRef } : {}),
        },
      },
    });
  }
  const settlement = settlementOf(row, outcome.status, {
    ...(outcome.last4 ? { last4: outcome.last4 } : {}),
    ...(outcome.brand ? { brand: outcome.brand } : {}),
    failureCode: outcome.failureCode ?? null,
  });
  for (const listener of deps.listeners.paymentSettled ?? []) await listener(db, settlement, deps);
  return settlement;
}

/**
 * Ends an open payment at the processor (the buyer gave up, or checkout's expiry job): it is
 * recorded as expired. No listener is called: the caller is the one ending the order. A payment
 * that already ended is left as it is.
 */
export async function cancelPayment(deps: PaymentsDeps, db: Db, paymentId: string): Promise<void> {
  const row = await lockedPayment(db, paymentId);
  if (row.status !== 'open') return;
  await deps.processors.byId(row.processor).cancel(row.processor_ref, `cancel:${row.id}`);
  await tablesOf<PaymentsTables>(db)
    .updateTable('payments_attempts')
    .set({ status: 'expired', failure_code: 'cancelled', settled_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', row.id)
    .execute();
}

export interface RefundInput {
  paymentId: string;
  amountMinor: number;
  idempotencyKey: string;
  actor: Actor;
}

export interface RefundResult {
  paymentId: string;
  status: PaymentStatus;
  refundedMinor: number;
}

/** Refunds part or all of a paid payment; the same idempotency key refunds once. */
export async function refundPayment(deps: PaymentsDeps, db: Db, input: RefundInput): Promise<RefundResult> {
  if (input.idempotencyKey.length < 1 || input.idempotencyKey.length > 200) throw validationError('idempotencyKey', 'must be 1 to 200 characters');
  const row = await lockedPayment(db, input.paymentId);
  const t = tablesOf<PaymentsTables>(db);
  const earlier = await t.selectFrom('payments_refunds').select(['payment_id', 'amount_minor']).where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
  if (earlier) {
    if (earlier.payment_id !== row.id || earlier.amount_minor !== input.amountMinor) throw conflict('This idempotency key was already used for another refund.', 'idempotencyKey');
    return { paymentId: row.id, status: row.status, refundedMinor: row.refunded_minor };
  }
  if (row.status !== 'succeeded') throw new AppError('PAYMENT_NOT_REFUNDABLE', `This payment is ${row.status}; only a paid payment can be refunded.`);
  const left = row.amount_minor - row.refunded_minor;
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 1 || input.amountMinor > left) throw validationError('amountMinor', `must be a whole number from 1 to ${left}`);
  await deps.processors.byId(row.processor).refund(row.processor_ref, input.amountMinor, `refund:${input.idempotencyKey}`);
  const refundedMinor = row.refunded_minor + input.amountMinor;
  const status: PaymentStatus = refundedMinor === row.amount_minor ? 'refunded' : 'succeeded';
  const who = actorRef(input.actor);
  await t
    .insertInto('payments_refunds')
    .values({ id: randomUUID(), payment_id: row.id, amount_minor: input.amountMinor, idempotency_key: input.idempotencyKey, actor_kind: who.kind, actor_id: who.id })
    .execute();
  await t.updateTable('payments_attempts').set({ refunded_minor: refundedMinor, status, updated_at: sql<Date>`now()` }).where('id', '=', row.id).execute();
  return { paymentId: row.id, status, refundedMinor };
}

export interface ChargeSavedInput {
  /** What the charge pays (a subscription's invoice id): the payment's `order_id`; no order has it, so checkout ignores its settlement. */
  orderId: string;
  subject: string;
  /** The kernel ref of the saved `user.payment` (e.g. `subscription:<id>`): disclosed to the processor before the charge. */
  ref: string;
  /** The order the plan was bought with, named in the disclosure ledger. */
  order?: string;
  amountMinor: number;
  currency: string;
  /** Required; also the processor's Idempotency-Key, so a retry after a crash charges once. */
  idempotencyKey: string;
  actor: Actor;
  description?: string;
}

export interface ChargeResult {
  paymentId: string;
  status: PaymentStatus;
  failureCode: string | null;
}

/**
 * Charges a payment method the processor kept (a renewal), without the buyer. The method is read
 * from the kernel and disclosed to the processor on the billing basis (ledgered), the processor is
 * charged under the caller's idempotency key, and the payment is recorded with its outcome, all in
 * the caller's transaction: if the caller dies before committing, running it again with the same
 * key gets the same charge back from the processor. No listener is told (the caller records it).
 */
export async function chargeSavedMethod(deps: PaymentsDeps, db: Db, input: ChargeSavedInput): Promise<ChargeResult> {
  if (!UUID.test(input.orderId)) throw validationError('orderId', 'must be a UUID');
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 1) throw validationError('amountMinor', 'must be a whole number of minor units above 0');
  if (input.idempotencyKey.length < 1 || input.idempotencyKey.length > 200) throw validationError('idempotencyKey', 'must be 1 to 200 characters');
  const t = tablesOf<PaymentsTables>(db);
  const earlier = await t.selectFrom('payments_attempts').selectAll().where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
  if (earlier) return { paymentId: earlier.id, status: earlier.status, failureCode: earlier.failure_code };
  const disclosed = await deps.kernel.disclose(db, {
    subject: input.subject,
    recipient: 'payment-processor',
    categories: ['user.payment'],
    purpose: 'billing',
    basis: 'billing',
    ref: input.ref,
    ...(input.order ? { order: input.order } : {}),
    actor: input.actor,
  });
  const method = disclosed.values['user.payment'] as { processor?: unknown; token?: unknown; customer?: unknown } | undefined;
  if (typeof method?.token !== 'string' || typeof method.processor !== 'string') throw new AppError('PAYMENT_METHOD_MISSING');
  const processor = deps.processors.byId(method.processor);
  const paymentId = paymentIdFor(input.idempotencyKey);
  const outcome = await processor.chargeSaved({
    paymentId,
    token: method.token,
    ...(typeof method.customer === 'string' ? { customerRef: method.customer } : {}),
    amountMinor: input.amountMinor,
    currency: input.currency,
    idempotencyKey: input.idempotencyKey,
    ...(input.description ? { description: input.description.slice(0, 200) } : {}),
  });
  const status: PaymentStatus = outcome.status === 'succeeded' ? 'succeeded' : outcome.status === 'open' ? 'open' : 'failed';
  await t
    .insertInto('payments_attempts')
    .values({
      id: paymentId,
      order_id: input.orderId,
      subject_id: input.subject,
      processor: processor.id,
      processor_ref: outcome.processorRef,
      instrument: 'card',
      amount_minor: input.amountMinor,
      currency: input.currency,
      status,
      failure_code: status === 'succeeded' ? null : (outcome.failureCode ?? null),
      redirect_url: '',
      idempotency_key: input.idempotencyKey,
      // A renewal's charge of the kept method: settling it later (still open now) pays an invoice.
      save_for_later: true,
      settled_at: status === 'open' ? null : new Date(),
    })
    .execute();
  return { paymentId, status, failureCode: status === 'succeeded' ? null : (outcome.failureCode ?? null) };
}
