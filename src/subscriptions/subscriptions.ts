// The subscriptions commands. A plan bought at checkout becomes a subscription when its payment
// settles (the payments listener); each period after the first is charged off-session by the
// renewal job, once per period: the period's invoice row is unique per (subscription, period
// start), and the processor's Idempotency-Key is derived from the same pair (decision 0055).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { variantsForSale } from '../commerce/catalogue/index.ts';
import { getOrder, linesOf } from '../commerce/orders/index.ts';
import { chargeSavedMethod, type PaymentsDeps, type Settlement } from '../commerce/payments/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { preparedRows } from '../platform/db/prepared.ts';
import { AppError, isAppError, notFound } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { Listeners } from '../platform/module.ts';
import { systemActor, type Actor } from '../privacy/index.ts';
import { formatMoney } from '../web/format.ts';
import { failedMail, paidMail, suspendedMail } from './mail.ts';
import { type BillingPeriod, type SubscriptionStatus, subscriptionsDb, type SubscriptionTable } from './tables.ts';
import type { Selectable } from 'kysely';

export type Subscription = Selectable<SubscriptionTable>;
export type Invoice = Selectable<import('./tables.ts').InvoiceTable>;

export const SUBSCRIPTIONS_ACTOR: Actor = systemActor('subscriptions');
const PURPOSE = 'billing';
const DAY_MS = 86_400_000;
/** After a failed renewal: the next tries, in days after the failure before them; then suspended. */
export const RETRY_DAYS = [1, 3] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A subscription's service went on, was suspended for want of payment, or ended: what the modules running the service follow. */
export interface SubscriptionChange {
  subscriptionId: string;
  subject: string;
  variantId: string;
  status: 'active' | 'suspended' | 'cancelled';
}

/** Declared as a Module's `listeners.subscriptionChanged`; runs in the transaction that changed the subscription. */
export type SubscriptionChangeListener = (db: Db, change: SubscriptionChange) => Promise<void>;

declare module '../platform/module.ts' {
  interface ModuleListeners {
    subscriptionChanged?: readonly SubscriptionChangeListener[];
  }
}

async function tell(listeners: Listeners, db: Db, s: Pick<Subscription, 'id' | 'subject_id' | 'variant_id'>, status: SubscriptionChange['status']): Promise<void> {
  if (!s.subject_id) return;
  for (const listener of listeners.subscriptionChanged ?? []) await listener(db, { subscriptionId: s.id, subject: s.subject_id, variantId: s.variant_id, status });
}

/** The kernel ref of a subscription's saved payment method (`user.payment`). */
export const methodRef = (subscriptionId: string) => `subscription:${subscriptionId}`;

/** The same day of the next month (or year), the last day of a shorter month when there is none. */
export function addPeriod(from: Date, period: BillingPeriod): Date {
  const y = from.getUTCFullYear() + (period === 'year' ? 1 : 0);
  const m = from.getUTCMonth() + (period === 'month' ? 1 : 0);
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(from.getUTCDate(), last), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const accountLink = (publicUrl: string, id: string) => `${publicUrl.replace(/\/$/, '')}/account/subscriptions/${id}`;

/** Copies the payment method the processor kept for a payment (`order:<id>`) to the subscription's own ref. */
async function keepMethod(deps: PaymentsDeps, db: Db, subject: string, fromRef: string, subscriptionId: string): Promise<void> {
  const record = await deps.kernel.read(db, { subject, actor: SUBSCRIPTIONS_ACTOR, purpose: PURPOSE, categories: ['user.payment'], ref: fromRef });
  const method = record.values['user.payment'];
  if (method === undefined || method === null) return;
  await deps.kernel.write(db, { subject, actor: SUBSCRIPTIONS_ACTOR, purpose: PURPOSE, ref: methodRef(subscriptionId), values: { 'user.payment': method } });
}

/**
 * The payments listener: a paid order with plans starts their subscriptions; a paid invoice resumes
 * its subscription. Both payments ask the processor to keep the method for later (checkout does
 * whenever the order has a plan, an invoice's payment always), so a payment that did not is
 * neither, and its order, lines and variants are not read.
 */
export async function onPaymentSettled(deps: PaymentsDeps, db: Db, settlement: Settlement, now = new Date()): Promise<void> {
  if (settlement.status !== 'succeeded' || !settlement.saveForLater) return;
  const [invoice] = await preparedRows(db, subscriptionsDb(db).selectFrom('subscriptions_invoices').selectAll().where('id', '=', settlement.orderId));
  if (invoice) return invoicePaid(deps, db, invoice, settlement.paymentId, now);
  await startFromOrder(deps, db, settlement.orderId, settlement.paymentId, now);
}

async function startFromOrder(deps: PaymentsDeps, db: Db, orderId: string, paymentId: string, now: Date): Promise<void> {
  const order = await getOrder(db, orderId);
  if (!order?.customer_subject) return;
  const lines = await linesOf(db, orderId);
  const plans = new Map(
    (
      await variantsForSale(
        db,
        lines.map((l) => l.variant_id),
      )
    )
      .filter((v) => v.billing_period)
      .map((v) => [v.variant_id, v.billing_period!]),
  );
  for (const line of lines) {
    const period = plans.get(line.variant_id);
    if (!period) continue;
    const id = randomUUID();
    const end = addPeriod(now, period);
    const inserted = await subscriptionsDb(db)
      .insertInto('subscriptions_subscriptions')
      .values({
        id,
        subject_id: order.customer_subject,
        order_id: orderId,
        variant_id: line.variant_id,
        name: line.name.slice(0, 400),
        sku: line.sku,
        period,
        amount_minor: line.total_minor,
        currency: order.currency,
        status: 'active',
        current_period_start: now,
        current_period_end: end,
        retry_at: null,
        ended_at: null,
      })
      .onConflict((oc) => oc.columns(['order_id', 'variant_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    // The first period was paid at checkout: its invoice is the order's payment.
    await subscriptionsDb(db)
      .insertInto('subscriptions_invoices')
      .values({
        id: randomUUID(),
        subscription_id: id,
        period_start: now,
        period_end: end,
        amount_minor: line.total_minor,
        currency: order.currency,
        status: 'paid',
        payment_id: paymentId,
        failure_code: null,
        attempts: 1,
        paid_at: now,
      })
      .execute();
    await keepMethod(deps, db, order.customer_subject, `order:${orderId}`, id);
  }
}

async function lockedSubscription(db: Db, id: string): Promise<Subscription> {
  const row = await subscriptionsDb(db).selectFrom('subscriptions_subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('The subscription');
  return row;
}

async function mail(db: Db, s: Subscription, template: typeof paidMail, params: Record<string, string>, key: string): Promise<void> {
  if (!s.subject_id) return;
  await queueMail(db, { subject: s.subject_id, purpose: PURPOSE, template, params, addressRef: `order:${s.order_id}`, personal: [], idempotencyKey: key });
}

/** An invoice paid with a new card (the customer's own payment): the period is paid, a past-due or suspended subscription resumes, and the new card is kept. */
async function invoicePaid(deps: PaymentsDeps, db: Db, invoice: Invoice, paymentId: string, now: Date): Promise<void> {
  const s = await lockedSubscription(db, invoice.subscription_id);
  if (invoice.status === 'paid') return;
  await subscriptionsDb(db)
    .updateTable('subscriptions_invoices')
    .set({ status: 'paid', payment_id: paymentId, failure_code: null, paid_at: now, updated_at: now })
    .where('id', '=', invoice.id)
    .execute();
  const resumes = s.status !== 'cancelled' && invoice.period_start.getTime() === s.current_period_end.getTime();
  if (resumes) {
    await subscriptionsDb(db)
      .updateTable('subscriptions_subscriptions')
      .set({ status: 'active', current_period_start: invoice.period_start, current_period_end: invoice.period_end, failures: 0, retry_at: null, updated_at: now })
      .where('id', '=', s.id)
      .execute();
    if (s.status === 'suspended') await tell(deps.listeners, db, s, 'active');
  }
  if (s.subject_id) await keepMethod(deps, db, s.subject_id, `order:${invoice.id}`, s.id);
  await mail(db, s, paidMail, paidParams(deps, s, invoice), `subscriptions.paid:${invoice.id}`);
}

const paidParams = (deps: Pick<PaymentsDeps, 'publicUrl'>, s: Subscription, invoice: Invoice) => ({
  plan: s.name,
  amount: formatMoney(invoice.amount_minor, invoice.currency),
  periodStart: day(invoice.period_start),
  periodEnd: day(invoice.period_end),
  link: accountLink(deps.publicUrl, s.id),
});

export interface RenewOptions {
  /** The time the renewals are run as of (the job: now; the CLI: --as-of). */
  asOf: Date;
  /** At most this many subscriptions this run (default 100). */
  limit?: number;
  log?: Logger;
  /** A test seam: called after the processor answered, before the transaction commits. */
  afterCharge?: (subscriptionId: string) => Promise<void> | void;
}

export interface RenewReport {
  charged: number;
  failed: number;
  suspended: number;
  ended: number;
  errors: number;
}

/**
 * Charges every subscription whose period ended (or whose retry is due) by `asOf`, one at a time,
 * each in its own transaction that claims its row with FOR UPDATE SKIP LOCKED (two workers never
 * charge the same one). A processor that cannot be reached leaves the subscription as it was, for
 * the next run.
 */
export async function renewDue(deps: PaymentsDeps, db: Db, options: RenewOptions): Promise<RenewReport> {
  const report: RenewReport = { charged: 0, failed: 0, suspended: 0, ended: 0, errors: 0 };
  const limit = options.limit ?? 100;
  const seen: string[] = [];
  while (seen.length < limit) {
    let claimed: string | null = null;
    try {
      await db.transaction().execute(async (trx) => {
        const s = await subscriptionsDb(trx)
          .selectFrom('subscriptions_subscriptions')
          .selectAll()
          .where((eb) => eb.or([eb.and([eb('status', '=', 'active'), eb('current_period_end', '<=', options.asOf)]), eb.and([eb('status', '=', 'past_due'), eb('retry_at', '<=', options.asOf)])]))
          .$if(seen.length > 0, (q) => q.where('id', 'not in', seen))
          .orderBy('current_period_end')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!s) return;
        claimed = s.id;
        seen.push(s.id);
        const outcome = await renewOne(deps, trx, s, options);
        report[outcome]++;
      });
    } catch (err) {
      if (claimed === null) throw err;
      report.errors++;
      options.log?.warn({ subscription: claimed, code: isAppError(err) ? err.code : 'INTERNAL' }, 'subscription could not be renewed');
      continue;
    }
    if (claimed === null) break;
  }
  return report;
}

async function renewOne(deps: PaymentsDeps, db: Db, s: Subscription, options: RenewOptions): Promise<'charged' | 'failed' | 'suspended' | 'ended'> {
  const t = subscriptionsDb(db);
  const now = options.asOf;
  if (s.cancel_at_period_end || !s.subject_id) {
    await t.updateTable('subscriptions_subscriptions').set({ status: 'cancelled', ended_at: s.current_period_end, retry_at: null, updated_at: now }).where('id', '=', s.id).execute();
    await tell(deps.listeners, db, s, 'cancelled');
    return 'ended';
  }
  const periodStart = s.current_period_end;
  const periodEnd = addPeriod(periodStart, s.period);
  await t
    .insertInto('subscriptions_invoices')
    .values({
      id: randomUUID(),
      subscription_id: s.id,
      period_start: periodStart,
      period_end: periodEnd,
      amount_minor: s.amount_minor,
      currency: s.currency,
      payment_id: null,
      failure_code: null,
      paid_at: null,
    })
    .onConflict((oc) => oc.columns(['subscription_id', 'period_start']).doNothing())
    .execute();
  const invoice = await t.selectFrom('subscriptions_invoices').selectAll().where('subscription_id', '=', s.id).where('period_start', '=', periodStart).executeTakeFirstOrThrow();
  if (invoice.status === 'paid') {
    // Paid meanwhile by the customer: the period only needs to move on.
    await t
      .updateTable('subscriptions_subscriptions')
      .set({ status: 'active', current_period_start: periodStart, current_period_end: periodEnd, failures: 0, retry_at: null, updated_at: now })
      .where('id', '=', s.id)
      .execute();
    return 'charged';
  }
  // One key per period and try: a run that died after the processor charged asks again with the same key and gets the same charge back.
  const key = `renewal:${s.id}:${periodStart.toISOString()}${s.failures > 0 ? `:retry-${s.failures}` : ''}`;
  let result: { paymentId: string | null; status: string; failureCode: string | null };
  try {
    result = await chargeSavedMethod(deps, db, {
      orderId: invoice.id,
      subject: s.subject_id,
      ref: methodRef(s.id),
      order: s.order_id,
      amountMinor: invoice.amount_minor,
      currency: invoice.currency,
      idempotencyKey: key,
      actor: SUBSCRIPTIONS_ACTOR,
      description: `${s.name}, ${day(periodStart)} to ${day(periodEnd)}`,
    });
  } catch (err) {
    // A card the processor no longer knows is a failed renewal like a decline; anything else is retried by the next run.
    if (!isAppError(err) || (err.code !== 'PAYMENT_METHOD_MISSING' && !(err.code === 'PAYMENT_PROCESSOR_ERROR' && /resource_missing/.test(err.message)))) throw err;
    result = { paymentId: null, status: 'failed', failureCode: 'payment_method_missing' };
  }
  await options.afterCharge?.(s.id);
  if (result.status === 'succeeded') {
    await t
      .updateTable('subscriptions_invoices')
      .set({ status: 'paid', payment_id: result.paymentId, failure_code: null, attempts: sql<number>`attempts + 1`, paid_at: now, updated_at: now })
      .where('id', '=', invoice.id)
      .execute();
    await t
      .updateTable('subscriptions_subscriptions')
      .set({ status: 'active', current_period_start: periodStart, current_period_end: periodEnd, failures: 0, retry_at: null, updated_at: now })
      .where('id', '=', s.id)
      .execute();
    await mail(db, s, paidMail, paidParams(deps, s, { ...invoice, period_start: periodStart, period_end: periodEnd }), `subscriptions.paid:${invoice.id}`);
    return 'charged';
  }
  if (result.status === 'open') throw new AppError('PAYMENT_PROCESSOR_UNAVAILABLE', 'The processor has not decided the charge yet.');
  const failures = s.failures + 1;
  await t
    .updateTable('subscriptions_invoices')
    .set({ status: 'failed', payment_id: result.paymentId, failure_code: result.failureCode, attempts: sql<number>`attempts + 1`, updated_at: now })
    .where('id', '=', invoice.id)
    .execute();
  const amount = formatMoney(invoice.amount_minor, invoice.currency);
  const link = accountLink(deps.publicUrl, s.id);
  if (failures > RETRY_DAYS.length) {
    await t.updateTable('subscriptions_subscriptions').set({ status: 'suspended', failures, retry_at: null, updated_at: now }).where('id', '=', s.id).execute();
    await tell(deps.listeners, db, s, 'suspended');
    await mail(db, s, suspendedMail, { plan: s.name, amount, link }, `subscriptions.suspended:${invoice.id}`);
    return 'suspended';
  }
  const retryAt = new Date(now.getTime() + RETRY_DAYS[failures - 1]! * DAY_MS);
  await t.updateTable('subscriptions_subscriptions').set({ status: 'past_due', failures, retry_at: retryAt, updated_at: now }).where('id', '=', s.id).execute();
  await mail(db, s, failedMail, { plan: s.name, amount, retryOn: day(retryAt), link }, `subscriptions.failed:${invoice.id}:${failures}`);
  return 'failed';
}

/** The customer cancels: an active subscription ends at its period's end (nothing more is charged); one in arrears ends now. */
export async function cancelSubscription(listeners: Listeners, db: Db, id: string, subject: string, now = new Date()): Promise<Subscription> {
  const s = await lockedSubscription(db, id);
  if (s.subject_id !== subject) throw notFound('The subscription');
  if (s.status === 'cancelled' || s.cancel_at_period_end) return s;
  const t = subscriptionsDb(db);
  if (s.status === 'active') await t.updateTable('subscriptions_subscriptions').set({ cancel_at_period_end: true, updated_at: now }).where('id', '=', id).execute();
  else {
    await t.updateTable('subscriptions_subscriptions').set({ status: 'cancelled', ended_at: now, retry_at: null, updated_at: now }).where('id', '=', id).execute();
    await tell(listeners, db, s, 'cancelled');
  }
  return lockedSubscription(db, id);
}

export async function subscriptionsOf(db: Db, subject: string): Promise<Subscription[]> {
  if (!UUID.test(subject)) return [];
  return subscriptionsDb(db).selectFrom('subscriptions_subscriptions').selectAll().where('subject_id', '=', subject).orderBy('created_at', 'desc').execute();
}

export async function subscriptionOf(db: Db, id: string, subject: string): Promise<Subscription | null> {
  if (!UUID.test(id) || !UUID.test(subject)) return null;
  return (await subscriptionsDb(db).selectFrom('subscriptions_subscriptions').selectAll().where('id', '=', id).where('subject_id', '=', subject).executeTakeFirst()) ?? null;
}

export async function invoicesOf(db: Db, subscriptionId: string): Promise<Invoice[]> {
  return subscriptionsDb(db).selectFrom('subscriptions_invoices').selectAll().where('subscription_id', '=', subscriptionId).orderBy('period_start', 'desc').execute();
}

/** The invoice a past-due or suspended subscription waits on: the failed one of the period after the paid ones. */
export async function openInvoice(db: Db, s: Subscription): Promise<Invoice | null> {
  if (s.status !== 'past_due' && s.status !== 'suspended') return null;
  return (
    (await subscriptionsDb(db)
      .selectFrom('subscriptions_invoices')
      .selectAll()
      .where('subscription_id', '=', s.id)
      .where('period_start', '=', s.current_period_end)
      .where('status', '!=', 'paid')
      .executeTakeFirst()) ?? null
  );
}

export async function listSubscriptions(db: Db, status: SubscriptionStatus | null, limit = 200): Promise<Subscription[]> {
  return subscriptionsDb(db)
    .selectFrom('subscriptions_subscriptions')
    .selectAll()
    .$if(status !== null, (q) => q.where('status', '=', status!))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The order that bought the plans was cancelled or wholly refunded: its subscriptions end now, and nothing more is charged. */
export async function endWithOrder(listeners: Listeners, db: Db, orderId: string, now = new Date()): Promise<void> {
  const ended = await subscriptionsDb(db)
    .updateTable('subscriptions_subscriptions')
    .set({ status: 'cancelled', ended_at: now, retry_at: null, updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '!=', 'cancelled')
    .returning(['id', 'subject_id', 'variant_id'])
    .execute();
  for (const s of ended) await tell(listeners, db, s, 'cancelled');
}

/** Erasure: nothing more is charged, and the rows no longer point at the person (the invoices stay, anonymous, for the accounts). */
export async function forgetSubscriber(db: Db, subject: string, now = new Date()): Promise<void> {
  const t = subscriptionsDb(db);
  await t
    .updateTable('subscriptions_subscriptions')
    .set({ status: 'cancelled', ended_at: now, retry_at: null, updated_at: now })
    .where('subject_id', '=', subject)
    .where('status', '!=', 'cancelled')
    .execute();
  await t.updateTable('subscriptions_subscriptions').set({ subject_id: null, updated_at: now }).where('subject_id', '=', subject).execute();
}
