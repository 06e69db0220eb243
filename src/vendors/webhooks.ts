// Vendor webhooks: signed order events POSTed to a URL the vendor set in the portal (decision 0045).
// - The signing secret is never stored: it is an HMAC, under a key of the keyring
//   (`kernel.keyedDigest`, domain `vendors.webhook-secret`), of the vendor id and a random salt kept
//   in `vendors_webhooks`; a copy of the database alone cannot sign. Shown once, when made or rotated.
// - An order transition (paid; then shipped, cancelled after payment, refunded) makes one event per
//   vendor of the order's lines that has a webhook, and a `vendors.webhook` job, in the
//   transition's transaction.
// - The job checks at send time that the vendor is not suspended and that one of its users accepted
//   the terms in force; then discloses the buyer's details (the `vendor` projection) through the
//   kernel (a ledger entry per attempt that carries them), signs the JSON and POSTs it with a
//   bounded timeout. Anything but a 2xx is retried by the job queue with its backoff.
// - Every attempt is a row of the delivery log (time, event, attempt, outcome, status code); the
//   payload is never stored.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type Kysely, sql } from 'kysely';
import { type TransitionListener, vendorOrder } from '../commerce/orders/index.ts';
import type { Config } from '../platform/config.ts';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { enqueue, type JobContext } from '../platform/jobs/index.ts';
import { jobKernel, type PrivacyKernel, systemActor } from '../privacy/index.ts';
import { discloseBuyer } from './buyer.ts';
import { holdUnsuspended } from './store.ts';
import type { VendorsTables, Webhook, WebhookDelivery, WebhookEventName } from './tables.ts';
import { checkedLookup, checkWebhookUrl } from './webhook-url.ts';

const t = (db: Db): Kysely<VendorsTables> => tablesOf<VendorsTables>(db);

export const WEBHOOK_JOB = 'vendors.webhook';
/** The job discloses as itself (datamap/jobs.yml): the shop sends, no vendor user asked. */
const WEBHOOK_ACTOR = systemActor(WEBHOOK_JOB);
/** Attempts per event: with the queue's backoff (5 s doubling, at most an hour) about two and a half hours of retries. */
export const WEBHOOK_ATTEMPTS = 12;
/** How long one attempt may take, connection to the end of the answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Receivers should refuse a signature older (or newer) than this; documented in the portal. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const SIGNATURE_HEADER = 'custodian-signature';
const SECRET_DOMAIN = 'vendors.webhook-secret';

const EVENTS: Partial<Record<string, WebhookEventName>> = { paid: 'order.paid', shipped: 'order.shipped', cancelled: 'order.cancelled', refunded: 'order.refunded' };

// ---- The webhook and its secret ----------------------------------------------------------------

export async function webhookOf(db: Db, vendorId: string): Promise<Webhook | null> {
  return (await t(db).selectFrom('vendors_webhooks').selectAll().where('vendor_id', '=', vendorId).executeTakeFirst()) ?? null;
}

/** The signing secret of a webhook: derived from its salt under a keyring key, never stored. */
export function signingSecret(kernel: Pick<PrivacyKernel, 'keyedDigest'>, hook: Pick<Webhook, 'vendor_id' | 'secret_salt'>): string {
  return `whsec_${kernel.keyedDigest(SECRET_DOMAIN, `${hook.vendor_id}:${Buffer.from(hook.secret_salt).toString('hex')}`).toString('base64url')}`;
}

/** The header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/**
 * Sets the vendor's webhook URL. A new webhook gets a new secret, returned (to be shown once);
 * changing the URL of an existing one keeps its secret and returns null.
 */
export async function setWebhook(db: Db, kernel: Pick<PrivacyKernel, 'keyedDigest'>, input: { vendorId: string; url: string; loopback: boolean; now: Date }): Promise<string | null> {
  const url = checkWebhookUrl(input.url, input.loopback);
  const existing = await webhookOf(db, input.vendorId);
  if (existing) {
    await t(db).updateTable('vendors_webhooks').set({ url, updated_at: input.now }).where('vendor_id', '=', input.vendorId).execute();
    return null;
  }
  const salt = randomBytes(32);
  const inserted = await t(db)
    .insertInto('vendors_webhooks')
    .values({ vendor_id: input.vendorId, url, secret_salt: salt, secret_at: input.now, updated_at: input.now })
    .onConflict((oc) => oc.column('vendor_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  // Two tabs at once: the other one made it; its secret was shown there.
  return inserted ? signingSecret(kernel, inserted) : null;
}

/** A new secret for the vendor's webhook (the old one stops signing at once); returns it, to be shown once. */
export async function rotateSecret(db: Db, kernel: Pick<PrivacyKernel, 'keyedDigest'>, vendorId: string, now: Date): Promise<string | null> {
  const row = await t(db)
    .updateTable('vendors_webhooks')
    .set({ secret_salt: randomBytes(32), secret_at: now, updated_at: now })
    .where('vendor_id', '=', vendorId)
    .returningAll()
    .executeTakeFirst();
  return row ? signingSecret(kernel, row) : null;
}

/** Stops the vendor's webhook: nothing more is sent, events still queued are skipped. */
export async function removeWebhook(db: Db, vendorId: string): Promise<boolean> {
  const rows = await t(db).deleteFrom('vendors_webhooks').where('vendor_id', '=', vendorId).returning('vendor_id').execute();
  return rows.length > 0;
}

export type DeliveryRow = WebhookDelivery & { event: WebhookEventName; order_number: string };

/** The newest attempts of the vendor's webhook, newest first. */
export async function deliveryLog(db: Db, vendorId: string, limit = 50): Promise<DeliveryRow[]> {
  return t(db)
    .selectFrom('vendors_webhook_deliveries as d')
    .innerJoin('vendors_webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select(['e.event', 'e.order_number'])
    .where('d.vendor_id', '=', vendorId)
    .orderBy('d.at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
}

// ---- The event: one per vendor with a webhook, in the transition's transaction -----------------

/**
 * The orders module's transition listener: paid, shipped, refunded, and cancelled after payment
 * (a cancellation with money to give back; `refundMinor` is null only before payment, when the
 * vendor never saw the order).
 */
export const webhookOnTransition: TransitionListener = async (db, event, deps) => {
  const name = EVENTS[event.to];
  if (!name) return;
  if (event.to === 'cancelled' && event.refundMinor === null) return;
  // Held within this step by a listener before this one (the risk rules' identity check): the
  // vendor hears of the payment when the order is released to paid.
  if (event.to === 'paid' && event.current().status !== 'paid') return;
  const vendors = [...new Set((await event.lines()).map((l) => l.vendor_id).filter((v): v is string => Boolean(v)))];
  if (vendors.length === 0) return;
  const hooks = await t(db).selectFrom('vendors_webhooks').select('vendor_id').where('vendor_id', 'in', vendors).execute();
  for (const { vendor_id } of hooks) {
    const id = randomUUID();
    await t(db)
      .insertInto('vendors_webhook_events')
      .values({ id, vendor_id, order_id: event.order.id, order_number: event.order.number, event: name, transition_id: event.transitionId, created_at: deps.now() })
      .execute();
    await enqueue(db, WEBHOOK_JOB, { event: id }, { maxAttempts: WEBHOOK_ATTEMPTS });
  }
};

// ---- Sending -------------------------------------------------------------------------------------

/** Whether the vendor may receive buyer data now: not suspended, and a user of it accepted the terms in force. */
async function standing(db: Db, vendorId: string): Promise<'ok' | 'suspended' | 'terms'> {
  if (!(await holdUnsuspended(db, vendorId))) return 'suspended';
  const { rows } = await sql<{ accepted: boolean }>`
    select exists (
      select 1 from vendors_terms_acceptances a
      where a.vendor_id = ${vendorId} and a.user_id is not null and a.version = (select max(version) from vendors_terms)
    ) as accepted`.execute(db);
  return rows[0]?.accepted ? 'ok' : 'terms';
}

type Prepared = { send: false; detail: string } | { send: true; url: string; body: string; secret: string; disclosureId: string | null };

/** What one attempt sends, decided and disclosed in one short transaction (no HTTP inside it). */
async function prepare(db: Db, kernel: PrivacyKernel, eventId: string): Promise<{ vendorId: string; prepared: Prepared } | null> {
  return db.transaction().execute(async (trx) => {
    const ev = await t(trx).selectFrom('vendors_webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (ev?.state !== 'pending') return null;
    const skip = (detail: string) => ({ vendorId: ev.vendor_id, prepared: { send: false as const, detail } });
    const hook = await webhookOf(trx, ev.vendor_id);
    if (!hook) return skip('no webhook URL set');
    const stand = await standing(trx, ev.vendor_id);
    if (stand === 'suspended') return skip('vendor suspended: nothing sent');
    if (stand === 'terms') return skip('data-use terms in force not accepted: nothing sent');
    const found = await vendorOrder(trx, ev.vendor_id, ev.order_number);
    if (!found) return skip('order not found');
    const buyer = await discloseBuyer(kernel, trx, { id: ev.vendor_id, actor: WEBHOOK_ACTOR }, found.order);
    const payload = {
      id: ev.id,
      event: ev.event,
      created_at: new Date(ev.created_at).toISOString(),
      order: {
        number: found.order.number,
        status: found.order.status,
        placed_at: new Date(found.order.created_at).toISOString(),
        currency: found.order.currency,
        lines: found.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unit_price_minor: l.unit_minor, total_minor: l.total_minor })),
      },
      buyer: buyer.shown ? Object.fromEntries(buyer.fields.map((f) => [f.label.toLowerCase(), f.value])) : null,
    };
    return {
      vendorId: ev.vendor_id,
      prepared: { send: true as const, url: hook.url, body: JSON.stringify(payload), secret: signingSecret(kernel, hook), disclosureId: buyer.shown ? buyer.disclosureId : null },
    };
  });
}

interface Answer {
  status: number | null;
  detail: string;
}

/** POSTs `body` to `url`; resolves with the status code or why there was none. Never follows a redirect; reads and drops the answer. */
export function post(url: string, body: string, headers: Record<string, string>, options: { loopback: boolean; timeoutMs: number }): Promise<Answer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const done = (a: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Custodian-Webhooks/1', ...headers },
        lookup: checkedLookup(options.loopback) as never,
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => done({ status: res.statusCode ?? null, detail: `HTTP ${res.statusCode}` }));
        res.on('error', () => done({ status: res.statusCode ?? null, detail: `HTTP ${res.statusCode}, answer cut off` }));
      },
    );
    const timer = setTimeout(() => {
      done({ status: null, detail: `timed out after ${Math.round(options.timeoutMs / 1000)} s` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'WEBHOOK_ADDRESS_REFUSED' ? 'address refused: not a public address' : `no connection (${/^[A-Z_]{2,40}$/.test(err.code ?? '') ? err.code : 'error'})`;
      done({ status: null, detail: code });
    });
    req.end(body);
  });
}

async function logAttempt(db: Db, row: Omit<WebhookDelivery, 'id'>, state: 'pending' | 'delivered' | 'failed' | 'skipped'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await t(trx).insertInto('vendors_webhook_deliveries').values(row).execute();
    if (state !== 'pending') await t(trx).updateTable('vendors_webhook_events').set({ state }).where('id', '=', row.event_id).execute();
  });
}

export class WebhookNotDelivered extends Error {
  override name = 'WebhookNotDelivered';
}

/** The `vendors.webhook` job: one attempt at one event. Throws (to be retried with backoff) when the vendor did not answer 2xx. */
export async function sendWebhook(payload: Record<string, unknown>, ctx: Pick<JobContext, 'db' | 'attempt' | 'services' | 'log'>, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<void> {
  const eventId = String(payload.event ?? '');
  if (!/^[0-9a-f-]{36}$/.test(eventId)) return;
  const kernel = jobKernel(ctx);
  const config: Pick<Config, 'vendorWebhookLoopback'> | undefined = ctx.services.config;
  const loopback = config?.vendorWebhookLoopback ?? false;
  const ready = await prepare(ctx.db, kernel, eventId);
  if (!ready) return;
  const base = { event_id: eventId, vendor_id: ready.vendorId, attempt: ctx.attempt };
  const { prepared } = ready;
  if (!prepared.send) {
    await logAttempt(ctx.db, { ...base, at: new Date(), outcome: 'skipped', status_code: null, duration_ms: null, detail: prepared.detail, disclosure_id: null }, 'skipped');
    return;
  }
  const started = Date.now();
  const unix = Math.floor(started / 1000);
  const answer = await post(prepared.url, prepared.body, { [SIGNATURE_HEADER]: signature(prepared.secret, prepared.body, unix), 'custodian-event': eventId }, { loopback, timeoutMs });
  const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
  const last = ctx.attempt >= WEBHOOK_ATTEMPTS;
  await logAttempt(
    ctx.db,
    {
      ...base,
      at: new Date(started),
      outcome: ok ? 'delivered' : 'failed',
      status_code: answer.status,
      duration_ms: Date.now() - started,
      detail: ok ? answer.detail : `${answer.detail}${last ? '; no more attempts' : '; will retry'}`,
      disclosure_id: prepared.disclosureId,
    },
    ok ? 'delivered' : last ? 'failed' : 'pending',
  );
  if (!ok) throw new WebhookNotDelivered(`WEBHOOK_NOT_DELIVERED: ${answer.detail}`);
}
