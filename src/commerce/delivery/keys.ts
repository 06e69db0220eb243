// Licence keys at rest and their handing out. A key is sealed with AES-256-GCM under a key derived
// from the kernel's keyring (never kept in the database, like the accounts' throttle key, decision
// 0025), bound to its row's id; a keyed digest (HMAC under another keyring-derived key) recognises a
// repeated upload without keeping the key. So a copy of the database or a backup holds no usable
// key. A key is handed out by one statement that claims available rows with FOR UPDATE SKIP LOCKED:
// two payments at once never get the same key, and neither waits for the other (decision 0043).
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import type { PrivacyKernel } from '../../privacy/index.ts';
import { variantsForSale } from '../catalogue/index.ts';
import type { DeliveryTables, KeyState } from './tables.ts';

export const deliveryDb = (db: Db) => tablesOf<DeliveryTables>(db);

/** What sealing needs of the kernel: keys derived from its keyring. */
export type KeyVault = Pick<PrivacyKernel, 'keyedDigest'>;

export const RELEASE_JOB = 'delivery.release-waiting';
/** The most keys one upload takes. */
export const MAX_KEYS_PER_UPLOAD = 5000;
/**
 * A licence key: 4 to 200 visible ASCII characters, no spaces (what vendors' key generators
 * produce), and no @ < > (the outbox refuses a parameter that looks like an email address).
 */
const KEY_SHAPE = /^[\x21-\x3b=\x3f\x41-\x7e]{4,200}$/;

const sealingKey = (vault: KeyVault) => vault.keyedDigest('delivery.licence-key-sealing', 'sealing-key/v1');
const digestOf = (vault: KeyVault, key: string) => vault.keyedDigest('delivery.licence-key', key);
const boundTo = (id: string) => Buffer.from(`delivery_keys:${id}`);

export function sealKey(vault: KeyVault, id: string, key: string): Buffer {
  const secret = sealingKey(vault);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', secret, iv);
    cipher.setAAD(boundTo(id));
    const body = Buffer.concat([cipher.update(key, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  } finally {
    secret.fill(0);
  }
}

export function openKey(vault: KeyVault, id: string, sealed: Buffer): string {
  const secret = sealingKey(vault);
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, sealed.subarray(0, 12));
    decipher.setAAD(boundTo(id));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  } finally {
    secret.fill(0);
  }
}

export interface KeyUpload {
  variantId: string;
  /** One key per line (a textarea's text or a text file's); blank lines are skipped. */
  text: string;
  /** Who uploads, as the history names them: `staff:<id>`, `vendor:<id>`, `system:<job>`. */
  by: string;
  /** A vendor's upload: the variant must be one of this vendor's products. */
  vendorId?: string;
}

export interface UploadResult {
  added: number;
  /** Lines whose key is already stored (or repeated in the upload): not added. */
  duplicates: number;
  /** Their line numbers (1-based), at most 20, so staff can find them in their file. */
  duplicateLines: number[];
}

/** The digital variant `variantId`, or NOT_FOUND / VALIDATION_FAILED naming `field`. */
export async function digitalVariant(db: Db, variantId: string, field: string, vendorId?: string) {
  const [variant] = /^[0-9a-f-]{36}$/i.test(variantId) ? await variantsForSale(db, [variantId]) : [];
  if (!variant || (vendorId !== undefined && variant.vendor_id !== vendorId)) throw new AppError('NOT_FOUND', `${field}: no such variant`, [{ field, message: 'no such variant' }]);
  if (variant.kind !== 'digital') throw validationError(field, 'is not a digital product: licence keys are only for digital products');
  return variant;
}

/**
 * Adds the keys of `text` to a digital variant's pool, sealed. A malformed line refuses the whole
 * upload, naming its line numbers (never its text); a key already stored, or repeated, is skipped
 * and counted. Held orders waiting for keys are released by a job once the upload commits.
 */
export async function uploadLicenceKeys(vault: KeyVault, db: Db, upload: KeyUpload): Promise<UploadResult> {
  const run = async (trx: Db): Promise<UploadResult> => {
    await digitalVariant(trx, upload.variantId, 'variantId', upload.vendorId);
    const lines = upload.text.split(/\r\n|\r|\n/).map((line, i) => ({ key: line.trim(), line: i + 1 }));
    const keys = lines.filter((l) => l.key !== '');
    if (keys.length === 0) throw validationError('keys', 'has no key: give one licence key per line');
    if (keys.length > MAX_KEYS_PER_UPLOAD) throw validationError('keys', `has ${keys.length} keys; upload at most ${MAX_KEYS_PER_UPLOAD} at a time`);
    const bad = keys.filter((l) => !KEY_SHAPE.test(l.key)).map((l) => l.line);
    if (bad.length)
      throw validationError(
        'keys',
        `line${bad.length > 1 ? 's' : ''} ${bad.slice(0, 20).join(', ')}${bad.length > 20 ? '…' : ''} ${bad.length > 1 ? 'are' : 'is'} not a licence key: 4-200 letters, digits or signs (not @ < >), no spaces`,
      );

    const seen = new Set<string>();
    const rows: { id: string; digest: Buffer; sealed: Buffer; hint: string; line: number }[] = [];
    const duplicateLines: number[] = [];
    for (const { key, line } of keys) {
      const digest = digestOf(vault, key);
      const hex = digest.toString('hex');
      if (seen.has(hex)) {
        duplicateLines.push(line);
        continue;
      }
      seen.add(hex);
      const id = randomUUID();
      rows.push({ id, digest, sealed: sealKey(vault, id, key), hint: key.slice(-4), line });
    }
    const added = new Set<string>();
    // In slices, to keep each statement's parameters well under the engines' limits.
    for (let i = 0; i < rows.length; i += 500) {
      const slice = rows.slice(i, i + 500);
      const inserted = await deliveryDb(trx)
        .insertInto('delivery_keys')
        .values(slice.map((r) => ({ id: r.id, variant_id: upload.variantId, digest: r.digest, sealed: r.sealed, hint: r.hint, uploaded_by: upload.by })))
        .onConflict((oc) => oc.column('digest').doNothing())
        .returning('id')
        .execute();
      for (const r of inserted) added.add(r.id);
    }
    for (const r of rows) if (!added.has(r.id)) duplicateLines.push(r.line);
    duplicateLines.sort((a, b) => a - b);
    if (added.size > 0) await enqueue(trx, RELEASE_JOB, {}, { uniqueKey: RELEASE_JOB });
    return { added: added.size, duplicates: duplicateLines.length, duplicateLines: duplicateLines.slice(0, 20) };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export interface KeyCounts {
  available: number;
  assigned: number;
  revoked: number;
}

/** How many keys of each state each of these variants has (absent variants: all zero). */
export async function keyCounts(db: Db, variantIds: readonly string[]): Promise<Map<string, KeyCounts>> {
  const counts = new Map<string, KeyCounts>(variantIds.map((id) => [id, { available: 0, assigned: 0, revoked: 0 }]));
  if (variantIds.length === 0) return counts;
  const rows = await deliveryDb(db)
    .selectFrom('delivery_keys')
    .select(['variant_id', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .where('variant_id', 'in', [...variantIds])
    .groupBy(['variant_id', 'state'])
    .execute();
  for (const r of rows) {
    const c = counts.get(r.variant_id);
    if (c) c[r.state as KeyState] = Number(r.n);
  }
  return counts;
}

/**
 * Claims up to `count` available keys of a variant for an order's line in one statement: rows
 * another transaction is claiming are skipped, not waited for, so each key goes to one line once.
 * Returns how many were claimed.
 */
export async function claimKeys(db: Db, claim: { variantId: string; orderId: string; linePosition: number; count: number; at: Date }): Promise<number> {
  if (claim.count <= 0) return 0;
  const { rows } = await sql<{ id: string }>`
    with picked as (
      select id from delivery_keys
      where variant_id = ${claim.variantId}::uuid and state = 'available'
      order by uploaded_at, id
      limit ${claim.count}
      for update skip locked
    )
    update delivery_keys k set state = 'assigned', order_id = ${claim.orderId}::uuid, line_position = ${claim.linePosition}, assigned_at = ${claim.at}
    from picked where k.id = picked.id
    returning k.id`.execute(db);
  return rows.length;
}

/** Marks every key handed out for the order revoked; returns how many. */
export async function revokeKeys(db: Db, orderId: string, at: Date): Promise<number> {
  const result = await deliveryDb(db).updateTable('delivery_keys').set({ state: 'revoked', revoked_at: at }).where('order_id', '=', orderId).where('state', '=', 'assigned').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface DeliveredKey {
  id: string;
  linePosition: number;
  variantId: string;
  state: KeyState;
  hint: string;
  /** The key itself (opened) for assigned keys read with the vault; null for revoked ones, which are not shown, and without the vault. */
  key: string | null;
}

/** The keys handed out for an order, in line order; assigned ones opened when a vault is given. */
export async function keysOfOrder(vault: KeyVault | null, db: Db, orderId: string): Promise<DeliveredKey[]> {
  const rows = await deliveryDb(db)
    .selectFrom('delivery_keys')
    .select(['id', 'line_position', 'variant_id', 'state', 'hint', 'sealed'])
    .where('order_id', '=', orderId)
    .orderBy('line_position')
    .orderBy('assigned_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    linePosition: r.line_position ?? 0,
    variantId: r.variant_id,
    state: r.state,
    hint: r.hint,
    key: vault && r.state === 'assigned' ? openKey(vault, r.id, r.sealed) : null,
  }));
}

/** Those of these variants that are sold with keys: they have (or had) at least one. */
export async function keyedVariants(db: Db, variantIds: readonly string[]): Promise<Set<string>> {
  if (variantIds.length === 0) return new Set();
  const { rows } = await sql<{ variant_id: string }>`
    select v.id as variant_id from unnest(${[...new Set(variantIds)]}::uuid[]) as v(id)
    where exists (select 1 from delivery_keys k where k.variant_id = v.id)`.execute(db);
  return new Set(rows.map((r) => r.variant_id));
}

/**
 * For a paid order's transition, in one statement: those of these variants that have a download
 * file (`filesOfVariants`) and those sold with keys (`keyedVariants`).
 */
export async function deliverableVariants(db: Db, variantIds: readonly string[]): Promise<{ withFile: Set<string>; keyed: Set<string> }> {
  if (variantIds.length === 0) return { withFile: new Set(), keyed: new Set() };
  const { rows } = await sql<{ variant_id: string; file: boolean; keyed: boolean }>`
    select v.id as variant_id,
      exists (select 1 from delivery_files f where f.variant_id = v.id) as file,
      exists (select 1 from delivery_keys k where k.variant_id = v.id) as keyed
    from unnest(${[...new Set(variantIds)]}::uuid[]) as v(id)`.execute(db);
  return { withFile: new Set(rows.filter((r) => r.file).map((r) => r.variant_id)), keyed: new Set(rows.filter((r) => r.keyed).map((r) => r.variant_id)) };
}

/** Assigned keys per line position of an order (how many of each line's units have their key). */
export async function assignedPerLine(db: Db, orderId: string): Promise<Map<number, number>> {
  const rows = await deliveryDb(db)
    .selectFrom('delivery_keys')
    .select(['line_position', (eb) => eb.fn.countAll<string>().as('n')])
    .where('order_id', '=', orderId)
    .where('state', '=', 'assigned')
    .groupBy('line_position')
    .execute();
  return new Map(rows.map((r) => [r.line_position ?? 0, Number(r.n)]));
}
