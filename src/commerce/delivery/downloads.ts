// Downloads of a paid order: one row per paid unit of a digital line whose variant has a file,
// granted in the order's transition to paid and revoked (per unit) by a refund or cancellation. A
// link is `/downloads/<download id>?expires=<unix seconds>&sig=<HMAC>`: the HMAC, under a key
// derived from the keyring, covers the download's id and the expiry, so a link cannot be
// lengthened or moved to another download, and the URL holds nothing about the buyer (decision 0048).
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { getOrder, linesOf, type OrderLine, type RefundUnit } from '../orders/index.ts';
import { filesOfVariants } from './files.ts';
import { deliveryDb, type KeyVault } from './keys.ts';
import type { DownloadState } from './tables.ts';

const signatureOf = (vault: KeyVault, id: string, expires: number) => vault.keyedDigest('delivery.download-link', `${id}.${expires}`).toString('base64url');

/** A signed link (path and query) to a download, working until `expiresAt` (whole seconds). */
export function downloadPath(vault: KeyVault, id: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `/downloads/${id}?expires=${expires}&sig=${signatureOf(vault, id, expires)}`;
}

/** When a link made now expires. */
export const linkExpiry = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000);

/**
 * Checks a link: the signature first (a forged or changed link says nothing more), then the expiry,
 * then that the download and its order still stand. Returns the download's variant.
 */
export async function checkLink(vault: KeyVault, db: Db, link: { id: string; expires: string; sig: string }, now: Date): Promise<{ variantId: string }> {
  const expires = /^[0-9]{1,12}$/.test(link.expires) ? Number(link.expires) : Number.NaN;
  const valid = /^[0-9a-f-]{36}$/.test(link.id) && Number.isSafeInteger(expires) && /^[A-Za-z0-9_-]{43}$/.test(link.sig);
  const given = Buffer.from(valid ? link.sig : '', 'base64url');
  const expected = Buffer.from(valid ? signatureOf(vault, link.id, expires) : '', 'base64url');
  if (!valid || given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('DOWNLOAD_LINK_INVALID');
  if (expires * 1000 <= now.getTime()) throw new AppError('DOWNLOAD_LINK_EXPIRED');
  const row = await deliveryDb(db).selectFrom('delivery_downloads').select(['order_id', 'variant_id', 'state']).where('id', '=', link.id).executeTakeFirst();
  if (!row) throw new AppError('DOWNLOAD_LINK_INVALID');
  const order = await getOrder(db, row.order_id);
  const stands = order !== null && order.status !== 'cancelled' && order.status !== 'pending_payment' && !(order.status === 'on_hold' && order.held_from === 'pending_payment');
  if (row.state !== 'valid' || !stands) throw new AppError('DOWNLOAD_REVOKED');
  return { variantId: row.variant_id };
}

/**
 * Grants a download to every unit of the order's digital lines whose variant has a file and that
 * has none yet (the caller holds the order's delivery lock). Returns how many were granted.
 */
export async function grantDownloads(db: Db, orderId: string, now: Date, orderLines?: readonly OrderLine[], withFile?: ReadonlySet<string>): Promise<number> {
  const digital = (orderLines ?? (await linesOf(db, orderId))).filter((l) => l.kind === 'digital');
  if (digital.length === 0) return 0;
  const files =
    withFile ??
    (await filesOfVariants(
      db,
      digital.map((l) => l.variant_id),
    ));
  const lines = digital.filter((l) => files.has(l.variant_id));
  if (lines.length === 0) return 0;
  const had = await deliveryDb(db)
    .selectFrom('delivery_downloads')
    .select(['line_position', (eb) => eb.fn.countAll<string>().as('n')])
    .where('order_id', '=', orderId)
    .groupBy('line_position')
    .execute();
  const have = new Map(had.map((r) => [r.line_position, Number(r.n)]));
  const rows = lines.flatMap((l) =>
    Array.from({ length: Math.max(0, l.quantity - (have.get(l.position) ?? 0)) }, () => ({
      id: randomUUID(),
      order_id: orderId,
      line_position: l.position,
      variant_id: l.variant_id,
      granted_at: now,
    })),
  );
  if (rows.length > 0) await deliveryDb(db).insertInto('delivery_downloads').values(rows).execute();
  return rows.length;
}

/**
 * Revokes what the buyer gave back: every key and download of the order, or for each unit named,
 * one key and one download of its line (the latest handed out first). Returns how many of each.
 */
export async function revokeReturned(db: Db, orderId: string, returned: 'all' | readonly RefundUnit[], at: Date): Promise<{ keys: number; downloads: number }> {
  if (returned === 'all') {
    const keys = await deliveryDb(db).updateTable('delivery_keys').set({ state: 'revoked', revoked_at: at }).where('order_id', '=', orderId).where('state', '=', 'assigned').executeTakeFirst();
    const downloads = await deliveryDb(db).updateTable('delivery_downloads').set({ state: 'revoked', revoked_at: at }).where('order_id', '=', orderId).where('state', '=', 'valid').executeTakeFirst();
    return { keys: Number(keys.numUpdatedRows), downloads: Number(downloads.numUpdatedRows) };
  }
  let keys = 0;
  let downloads = 0;
  for (const unit of returned) {
    const k = await sql<{ id: string }>`
      update delivery_keys set state = 'revoked', revoked_at = ${at}
      where id in (select id from delivery_keys where order_id = ${orderId}::uuid and line_position = ${unit.line} and state = 'assigned'
                   order by assigned_at desc, id desc limit ${unit.quantity})
      returning id`.execute(db);
    const d = await sql<{ id: string }>`
      update delivery_downloads set state = 'revoked', revoked_at = ${at}
      where id in (select id from delivery_downloads where order_id = ${orderId}::uuid and line_position = ${unit.line} and state = 'valid'
                   order by granted_at desc, id desc limit ${unit.quantity})
      returning id`.execute(db);
    keys += k.rows.length;
    downloads += d.rows.length;
  }
  return { keys, downloads };
}

export interface OrderDownload {
  id: string;
  linePosition: number;
  variantId: string;
  state: DownloadState;
}

/** The downloads of an order, in line order. */
export async function downloadsOfOrder(db: Db, orderId: string): Promise<OrderDownload[]> {
  const rows = await deliveryDb(db)
    .selectFrom('delivery_downloads')
    .select(['id', 'line_position', 'variant_id', 'state'])
    .where('order_id', '=', orderId)
    .orderBy('line_position')
    .orderBy('granted_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, linePosition: r.line_position, variantId: r.variant_id, state: r.state }));
}
