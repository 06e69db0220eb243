// Delivering a paid order's licence keys, inside the order's own transition (decision 0043):
//
// - paid: every unit of a digital line that has no key yet claims one; when all have theirs the
//   buyer is mailed the keys (once per order), else the order goes on hold (`awaiting_licence_keys`),
//   waits in `delivery_waiting`, and the owners are told the product ran out;
// - paid, too: every unit of a digital line whose variant has a file is granted a download, and
//   the buyer is mailed signed links (once per order; decision 0048);
// - refunded or cancelled: what the buyer gave back is revoked: everything for a cancellation or
//   a refund of the whole total, the units named for a partial refund (decision 0048);
// - the release job (keys were uploaded) fills waiting orders, oldest first, and moves each that
//   is complete back to paid, which mails its keys through the same listener.
import { sql } from 'kysely';
import { activeStaffOf } from '../../accounts/index.ts';
import { queueMail } from '../../comms/index.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { systemActor } from '../../privacy/index.ts';
import { getOrder, linesOf, type OrderLine, transitionOrder, type OrdersDeps, type TransitionEvent } from '../orders/index.ts';
import { downloadPath, downloadsOfOrder, grantDownloads, linkExpiry, revokeReturned } from './downloads.ts';
import { filesOfVariants } from './files.ts';
import { assignedPerLine, claimKeys, deliverableVariants, deliveryDb, keyedVariants, keysOfOrder } from './keys.ts';
import { downloadsTemplate, keysTemplate, outOfKeysTemplate } from './mail.ts';
import type { KeysRanOut } from './ran-out.ts';

/** The system actor of the delivery steps (declared in datamap/jobs.yml). */
export const DELIVERY_JOB = 'delivery';
export const WAITING_REASON = 'awaiting_licence_keys';
/** An out-of-keys alert per product at most this often. */
const ALERT_WINDOW_MS = 60 * 60_000;
/** How much of the keys the mail carries; the rest are on the order's page. */
const MAX_KEYS_JSON = 3000;

/** How long a link works when the settings are not at hand (DOWNLOAD_LINK_DAYS' default). */
const DEFAULT_LINK_DAYS = 7;

interface Short {
  variantId: string;
  productId: string;
  vendorId: string;
  name: string;
  sku: string;
  missing: number;
}

/** The order waits no more (filled, cancelled, refunded, or moved on by staff). */
async function stopWaiting(db: Db, orderId: string): Promise<void> {
  await deliveryDb(db).deleteFrom('delivery_waiting').where('order_id', '=', orderId).execute();
  await deliveryDb(db).deleteFrom('delivery_waiting_variants').where('order_id', '=', orderId).execute();
}

/** What a waiting order still lacks, per variant (replacing what was recorded). */
async function recordShort(db: Db, orderId: string, short: readonly Short[]): Promise<void> {
  await deliveryDb(db).deleteFrom('delivery_waiting_variants').where('order_id', '=', orderId).execute();
  const missing = new Map<string, number>();
  for (const s of short) missing.set(s.variantId, (missing.get(s.variantId) ?? 0) + s.missing);
  if (missing.size > 0)
    await deliveryDb(db)
      .insertInto('delivery_waiting_variants')
      .values([...missing].map(([variant_id, n]) => ({ order_id: orderId, variant_id, missing: n })))
      .execute();
}

/** How many orders wait for keys of each of these variants, and how many keys they lack. */
export async function waitingPerVariant(db: Db, variantIds: readonly string[]): Promise<Map<string, { orders: number; keys: number }>> {
  if (variantIds.length === 0) return new Map();
  const rows = await deliveryDb(db)
    .selectFrom('delivery_waiting_variants')
    .select(['variant_id', (eb) => eb.fn.countAll<string>().as('orders'), (eb) => eb.fn.sum<string>('missing').as('keys')])
    .where('variant_id', 'in', [...new Set(variantIds)])
    .groupBy('variant_id')
    .execute();
  return new Map(rows.map((r) => [r.variant_id, { orders: Number(r.orders), keys: Number(r.keys) }]));
}

/** One delivery of an order at a time (the payment's transition, the release job, staff). */
async function lockDelivery(db: Db, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`delivery:${orderId}`}, 0))`.execute(db);
}

/**
 * Claims a key for every unit of the order's keyed lines that has none; what is still short, per
 * line. A line is keyed when its variant has keys (any state): a digital product the shop never
 * uploaded keys for is delivered by hand, as before (decision 0043). `given`: the order's lines if
 * the caller has them, whether it already holds the order's delivery lock, and the keyed variants
 * if it read them after taking it.
 */
export async function fillOrder(
  db: Db,
  orderId: string,
  now: Date,
  given: { lines?: readonly OrderLine[]; locked?: boolean; keyed?: ReadonlySet<string> } = {},
): Promise<{ digital: boolean; short: Short[] }> {
  if (!given.locked) await lockDelivery(db, orderId);
  const digital = (given.lines ?? (await linesOf(db, orderId))).filter((l) => l.kind === 'digital');
  const keyed =
    given.keyed ??
    (await keyedVariants(
      db,
      digital.map((l) => l.variant_id),
    ));
  const lines = digital.filter((l) => keyed.has(l.variant_id));
  if (lines.length === 0) return { digital: false, short: [] };
  const have = await assignedPerLine(db, orderId);
  const short: Short[] = [];
  for (const line of lines) {
    const need = line.quantity - (have.get(line.position) ?? 0);
    const claimed = await claimKeys(db, { variantId: line.variant_id, orderId, linePosition: line.position, count: need, at: now });
    if (claimed < need) short.push({ variantId: line.variant_id, productId: line.product_id, vendorId: line.vendor_id, name: line.name, sku: line.sku, missing: need - claimed });
  }
  return { digital: true, short };
}

async function mailKeys(deps: OrdersDeps, db: Db, order: { id: string; number: string; customer_subject: string | null }, orderLines: readonly OrderLine[]): Promise<void> {
  if (order.customer_subject === null) return;
  const lines = new Map(orderLines.map((l) => [l.position, l.name]));
  const keys = (await keysOfOrder(deps.kernel, db, order.id)).filter((k) => k.key !== null);
  const listed: { name: string; key: string }[] = [];
  for (const k of keys) {
    const entry = { name: lines.get(k.linePosition) ?? '', key: k.key! };
    if (JSON.stringify([...listed, entry]).length > MAX_KEYS_JSON) break;
    listed.push(entry);
  }
  await queueMail(
    db,
    {
      subject: order.customer_subject,
      purpose: 'fulfillment',
      template: keysTemplate,
      params: { number: order.number, orderUrl: new URL(`/account/orders/${order.number}`, deps.publicUrl).toString(), keys: JSON.stringify(listed), more: keys.length - listed.length },
      idempotencyKey: `delivery.licence-keys:${order.id}`,
    },
    { kernel: deps.kernel },
  );
}

/** Mails the buyer one signed link per downloadable line (once per order; the links are a sealed parameter). */
async function mailDownloads(deps: OrdersDeps, db: Db, order: { id: string; number: string; customer_subject: string | null }, orderLines: readonly OrderLine[]): Promise<void> {
  if (order.customer_subject === null) return;
  const days = deps.config?.downloads.linkDays ?? DEFAULT_LINK_DAYS;
  const lines = new Map(orderLines.map((l) => [l.position, l.name]));
  const valid = (await downloadsOfOrder(db, order.id)).filter((d) => d.state === 'valid');
  const files = await filesOfVariants(
    db,
    valid.map((d) => d.variantId),
  );
  const expires = linkExpiry(deps.now(), days);
  const perLine = new Map<number, { name: string; url: string }>();
  for (const d of valid) {
    if (perLine.has(d.linePosition)) continue;
    const file = files.get(d.variantId);
    perLine.set(d.linePosition, { name: `${lines.get(d.linePosition) ?? ''}${file ? ` (${file.name})` : ''}`, url: new URL(downloadPath(deps.kernel, d.id, expires), deps.publicUrl).toString() });
  }
  if (perLine.size === 0) return;
  await queueMail(
    db,
    {
      subject: order.customer_subject,
      purpose: 'fulfillment',
      template: downloadsTemplate,
      params: { number: order.number, orderUrl: new URL(`/account/orders/${order.number}`, deps.publicUrl).toString(), links: JSON.stringify([...perLine.values()]), days },
      idempotencyKey: `delivery.downloads:${order.id}`,
    },
    { kernel: deps.kernel },
  );
}

async function alertOwners(deps: OrdersDeps, db: Db, short: Short[], now: Date): Promise<void> {
  const owners = await activeStaffOf(db, ['owner']);
  const bucket = Math.floor(now.getTime() / ALERT_WINDOW_MS);
  for (const s of short) {
    for (const owner of owners) {
      await queueMail(db, {
        subject: owner.subject_id,
        purpose: 'account',
        template: outOfKeysTemplate,
        params: { product: s.name, sku: s.sku, console: new URL(`/staff/catalogue/products/${s.productId}/licence-keys`, deps.publicUrl).toString() },
        idempotencyKey: `delivery.out-of-keys:${s.variantId}:${bucket}:${owner.id}`,
      });
    }
  }
  // The vendor's side (the vendors module declares it: delivery does not depend on vendors).
  for (const s of short) {
    const event: KeysRanOut = { variantId: s.variantId, productId: s.productId, vendorId: s.vendorId, product: s.name, sku: s.sku, at: now };
    for (const listener of deps.listeners.licenceKeysRanOut ?? []) await listener(db, event, { publicUrl: deps.publicUrl });
  }
}

/** The orders module's transition listener (declared by the delivery module). */
export async function deliverOnTransition(db: Db, event: TransitionEvent, deps: OrdersDeps): Promise<void> {
  const now = deps.now();
  if (event.to === 'refunded' || event.to === 'cancelled') {
    await lockDelivery(db, event.order.id);
    await revokeReturned(db, event.order.id, event.returned ?? 'all', now);
    await stopWaiting(db, event.order.id);
    return;
  }
  if (event.to !== 'paid') return;
  // A listener before this one may have put the order on hold within this step (the risk rules'
  // identity check, decision 0047): nothing is handed out until it is released to paid again.
  if (event.current().status !== 'paid') return;
  await lockDelivery(db, event.order.id);
  const lines = await event.lines();
  // Which digital lines get a download and which a key: one statement for both.
  const { withFile, keyed } = await deliverableVariants(
    db,
    lines.filter((l) => l.kind === 'digital').map((l) => l.variant_id),
  );
  if ((await grantDownloads(db, event.order.id, now, lines, withFile)) > 0) await mailDownloads(deps, db, event.order, lines);
  const { digital, short } = await fillOrder(db, event.order.id, now, { lines, locked: true, keyed });
  if (!digital) return;
  if (short.length === 0) {
    await stopWaiting(db, event.order.id);
    await mailKeys(deps, db, event.order, lines);
    return;
  }
  await deliveryDb(db)
    .insertInto('delivery_waiting')
    .values({ order_id: event.order.id, since: now })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
  await recordShort(db, event.order.id, short);
  await transitionOrder(deps, db, { orderId: event.order.id, to: 'on_hold', reason: WAITING_REASON, actor: systemActor(DELIVERY_JOB) });
  await alertOwners(deps, db, short, now);
}

/**
 * Fills the orders waiting for keys, oldest first, one transaction each; an order that has all
 * its keys goes back to paid (which mails them). Returns how many were released.
 */
export async function releaseWaiting(deps: OrdersDeps, db: Db, log?: Logger): Promise<number> {
  const waiting = await deliveryDb(db).selectFrom('delivery_waiting').select('order_id').orderBy('since').orderBy('order_id').execute();
  let released = 0;
  for (const { order_id } of waiting) {
    const done = await db.transaction().execute(async (trx) => {
      // The order's row first, as every transition locks it first (then the delivery lock, then
      // the waiting row): a staff step on the same order at the same time waits, never deadlocks.
      const order = await getOrder(trx, order_id, { forUpdate: true });
      const row = await deliveryDb(trx).selectFrom('delivery_waiting').select('order_id').where('order_id', '=', order_id).forUpdate().executeTakeFirst();
      if (!row) return false;
      // Staff moved it on (cancelled it, or released it themselves, which filled it): nothing waits.
      if (order?.status !== 'on_hold' || order.held_from !== 'paid') {
        await stopWaiting(trx, order_id);
        return false;
      }
      const { short } = await fillOrder(trx, order_id, deps.now());
      if (short.length > 0) {
        await recordShort(trx, order_id, short);
        return false;
      }
      await transitionOrder(deps, trx, { orderId: order_id, to: 'paid', actor: systemActor(DELIVERY_JOB) });
      return true;
    });
    if (done) released++;
  }
  if (released > 0) log?.info({ released }, 'orders released: their licence keys arrived');
  return released;
}
