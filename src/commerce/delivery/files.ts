// The downloadable file of a digital variant. The product is the vendor's, not anyone's personal
// data, but a copy of the data directory must not be a pile of sellable software any more than a
// copy of the database may be a pile of keys: the bytes are sealed with AES-256-GCM under a key
// derived from the keyring (decision 0043 §1), bound to the file's id, and kept under
// DATA_DIR/downloads with the data directory's modes (0700/0600), written beside and renamed like
// media's files (decision 0048).
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import { digitalVariant, deliveryDb, type KeyVault } from './keys.ts';

/** Where a shop's files are: DATA_DIR/downloads. */
export const filesDir = (dataDir: string) => resolve(dataDir, 'downloads');
const pathOf = (dir: string, id: string) => {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('delivery: bad file id');
  return join(dir, id);
};

const sealingKey = (vault: KeyVault) => vault.keyedDigest('delivery.file-sealing', 'sealing-key/v1');
const boundTo = (id: string) => Buffer.from(`delivery_files:${id}`);

function seal(vault: KeyVault, id: string, data: Buffer): Buffer {
  const secret = sealingKey(vault);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', secret, iv);
    cipher.setAAD(boundTo(id));
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  } finally {
    secret.fill(0);
  }
}

function unseal(vault: KeyVault, id: string, sealed: Buffer): Buffer {
  const secret = sealingKey(vault);
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, sealed.subarray(0, 12));
    decipher.setAAD(boundTo(id));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  } finally {
    secret.fill(0);
  }
}

async function writeSealed(dir: string, id: string, sealed: Buffer): Promise<void> {
  const path = pathOf(dir, id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(sealed);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

/** The file's bytes, opened; null when the file is missing from the data directory. */
export async function readFileBytes(vault: KeyVault, dataDir: string, id: string): Promise<Buffer | null> {
  try {
    return unseal(vault, id, await readFile(pathOf(filesDir(dataDir), id)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A file name a browser saves safely: no folders, no control characters, at most 200 characters. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}"]/gu, '')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned === '' ? 'download' : cleaned;
}

export interface FileUpload {
  variantId: string;
  /** The file's name as uploaded. */
  name: string | undefined;
  data: Buffer;
  /** The upload was cut at the size limit. */
  truncated: boolean;
  /** Who uploads: `staff:<id>`, `vendor:<id>`. */
  by: string;
  /** A vendor's upload: the variant must be one of this vendor's products. */
  vendorId?: string;
}

/**
 * Makes `upload` the variant's downloadable file, replacing the one before (buyers' links then
 * give the new one). The sealed bytes are written first, the row in one transaction, and the
 * file it replaced removed after the commit; a failed transaction removes the new file.
 */
export async function uploadDownloadFile(vault: KeyVault, db: Db, settings: { dataDir: string; maxBytes: number }, upload: FileUpload): Promise<{ id: string; name: string; size: number }> {
  if (upload.truncated || upload.data.length > settings.maxBytes) throw validationError('file', `is larger than ${Math.round(settings.maxBytes / 1024 / 1024)} MB`);
  if (upload.data.length === 0) throw validationError('file', 'is empty: choose the file buyers download');
  await digitalVariant(db, upload.variantId, 'variant', upload.vendorId);
  const dir = filesDir(settings.dataDir);
  const id = randomUUID();
  const name = cleanFileName(upload.name);
  await writeSealed(dir, id, seal(vault, id, upload.data));
  let replaced: string | undefined;
  try {
    replaced = await db.transaction().execute(async (trx) => {
      await digitalVariant(trx, upload.variantId, 'variant', upload.vendorId);
      const old = await deliveryDb(trx).deleteFrom('delivery_files').where('variant_id', '=', upload.variantId).returning('id').executeTakeFirst();
      await deliveryDb(trx).insertInto('delivery_files').values({ id, variant_id: upload.variantId, name, size_bytes: upload.data.length, uploaded_by: upload.by }).execute();
      return old?.id;
    });
  } catch (err) {
    await rm(pathOf(dir, id), { force: true });
    throw err;
  }
  if (replaced) await rm(pathOf(dir, replaced), { force: true });
  return { id, name, size: upload.data.length };
}

export interface VariantFile {
  id: string;
  variantId: string;
  name: string;
  size: number;
  uploadedAt: Date;
}

/** The downloadable files of these variants, by variant id (variants without one are absent). */
export async function filesOfVariants(db: Db, variantIds: readonly string[]): Promise<Map<string, VariantFile>> {
  if (variantIds.length === 0) return new Map();
  const rows = await deliveryDb(db)
    .selectFrom('delivery_files')
    .select(['id', 'variant_id', 'name', 'size_bytes', 'uploaded_at'])
    .where('variant_id', 'in', [...new Set(variantIds)])
    .execute();
  return new Map(rows.map((r) => [r.variant_id, { id: r.id, variantId: r.variant_id, name: r.name, size: Number(r.size_bytes), uploadedAt: r.uploaded_at }]));
}

export const FILES_SWEEP_JOB = 'delivery.sweep-files';
/** A file younger than this may belong to an upload whose transaction has not committed yet. */
export const FILES_SWEEP_GRACE_MS = 24 * 3600_000;

/**
 * Deletes files of DATA_DIR/downloads no row names, written before `before`: an upload whose
 * transaction failed after the file was written (the process stopped between the two), or a
 * replaced file whose removal after the commit did not happen. Returns how many.
 */
export async function sweepStrayFiles(db: Db, dataDir: string, before: Date): Promise<number> {
  const dir = filesDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const candidates: string[] = [];
  for (const name of names) {
    const id = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.[0-9a-f]{12}\.tmp)?$/.exec(name);
    if (!id) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile() && info.mtime < before) candidates.push(name);
  }
  if (candidates.length === 0) return 0;
  const ids = candidates.filter((n) => !n.endsWith('.tmp'));
  const kept = new Set(ids.length === 0 ? [] : (await deliveryDb(db).selectFrom('delivery_files').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
  let swept = 0;
  for (const name of candidates) {
    if (kept.has(name)) continue;
    await rm(join(dir, name), { force: true });
    swept++;
  }
  return swept;
}
