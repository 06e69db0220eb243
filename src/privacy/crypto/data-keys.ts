// A data key per subject (AES-256), wrapped twice: first under the subject's shredder secret
// (destroyed on erasure, kept outside the database), then under the active master key (rotated
// without touching data). The wrapped key lives in privacy_subject_keys; the data itself is
// encrypted under the data key with associated data naming subject, category and row.
import { createHmac, randomBytes } from 'node:crypto';
import { SubjectErased } from '../refusals.ts';
import type { KernelContext } from '../context.ts';
import { copyKey, type CachedKey } from './key-cache.ts';
import { aad, open, seal } from './envelope.ts';
import { randomLeaf } from './shredder.ts';

export interface WrappedKeyRow {
  leaf: number;
  master_key_id: string;
  wrapped_key: Buffer;
}

const shredKey = (secret: Buffer, subjectId: string) => createHmac('sha256', secret).update(`custodian/kek/v1/${subjectId}`).digest();
const innerAad = (subjectId: string) => aad('data-key', subjectId);
const outerAad = (subjectId: string) => aad('data-key-master', subjectId);

/** A new data key for a subject, with a fresh (never punctured) leaf. */
export async function newDataKey(ctx: KernelContext, subjectId: string): Promise<{ dataKey: Buffer; row: WrappedKeyRow }> {
  let leaf = randomLeaf();
  let secret = ctx.keyring.leafSecret(leaf);
  // A restored database may hand out a leaf an erasure already punctured; pick another.
  while (!secret) {
    leaf = randomLeaf();
    secret = ctx.keyring.leafSecret(leaf);
  }
  const dataKey = randomBytes(32);
  const inner = seal(shredKey(secret, subjectId), dataKey, innerAad(subjectId));
  const { keyId, blob } = await ctx.masterKeys.wrap(inner, outerAad(subjectId));
  return { dataKey, row: { leaf, master_key_id: keyId, wrapped_key: blob } };
}

/**
 * Unwraps a subject's data key, or takes it from the cache when the cached copy was unwrapped from
 * this same wrapped key. Either way the keyring decides first: a punctured leaf (the subject was
 * erased, perhaps in a database restored from before) is SubjectErased, cached copy or not.
 * With `cache: false` (maintenance walking every subject) the key is not added to the cache.
 */
export async function unwrapDataKey(ctx: KernelContext, subjectId: string, kind: string, row: WrappedKeyRow, options: { cache?: boolean } = {}): Promise<Buffer> {
  const leaf = Number(row.leaf);
  if (ctx.keyring.isPunctured(leaf)) {
    ctx.keyCache.delete(subjectId);
    throw new SubjectErased();
  }
  const cached = ctx.keyCache.get(subjectId);
  if (cached && cached.leaf === leaf && cached.wrapped.equals(row.wrapped_key)) return cached.dataKey;
  const secret = ctx.keyring.leafSecret(leaf);
  if (!secret) throw new SubjectErased();
  const inner = await ctx.masterKeys.unwrap(row.master_key_id, row.wrapped_key, outerAad(subjectId));
  const dataKey = open(shredKey(secret, subjectId), inner, innerAad(subjectId));
  if (options.cache !== false) ctx.keyCache.set(subjectId, { kind, leaf, wrapped: Buffer.from(row.wrapped_key), dataKey: copyKey(dataKey) });
  return dataKey;
}

/**
 * A write's data key from the cache, or null when it is not cached. A write needs no check of the
 * wrapped key: its statement writes only while the subject's key row exists (erasure deletes it).
 * The keyring is still asked, so a database restored from before an erasure gets no new data.
 */
export function cachedDataKey(ctx: KernelContext, subjectId: string): CachedKey | null {
  const cached = ctx.keyCache.get(subjectId);
  if (!cached) return null;
  if (ctx.keyring.isPunctured(cached.leaf)) {
    ctx.keyCache.delete(subjectId);
    throw new SubjectErased();
  }
  return cached;
}

/** Re-wraps a wrapped key under the active master key (the data key and the data do not change). */
export async function rewrapDataKey(ctx: KernelContext, subjectId: string, row: WrappedKeyRow): Promise<{ keyId: string; blob: Buffer }> {
  const inner = await ctx.masterKeys.unwrap(row.master_key_id, row.wrapped_key, outerAad(subjectId));
  return ctx.masterKeys.wrap(inner, outerAad(subjectId));
}
