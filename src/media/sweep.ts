// The sweep of unused images. The media module does not know who uses an image (a product's
// picture, the logo): each module that keeps image ids declares `imageUses`, a function answering
// which of some ids it still uses, and the composition root collects them into the wiring
// (decision 0034). The sweep deletes, after a grace period, images nobody uses (their row and their
// files) and files with no row at all (an upload whose transaction rolled back).
import { sql } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { Module } from '../platform/module.ts';
import type { MediaStorage } from './storage.ts';
import type { MediaTables } from './tables.ts';

/** Which of `ids` the declaring module still uses. */
export type ImageUse = (db: Db, ids: readonly string[]) => Promise<readonly string[]>;

declare module '../platform/module.ts' {
  interface Module {
    /** Which image ids of the media store this module still uses; the sweep keeps those. */
    imageUses?: ImageUse;
  }
  interface Wiring {
    /** Every module's `imageUses`: an image none of them claims is swept after the grace period. */
    imageUses: readonly ImageUse[];
  }
}

export const MEDIA_SWEEP_JOB = 'media.sweep';
/** An image younger than this is kept whatever its use: its product or logo may not be saved yet. */
export const SWEEP_GRACE_MS = 24 * 3_600_000;
const CHUNK = 500;

export function imageUsesOf(modules: readonly Module[]): ImageUse[] {
  return modules.flatMap((m) => (m.imageUses ? [m.imageUses] : []));
}

async function usedAmong(db: Db, uses: readonly ImageUse[], ids: readonly string[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    for (const use of uses) for (const id of await use(db, chunk)) used.add(id);
  }
  return used;
}

/**
 * Deletes images older than `olderThan` that no module uses (row, then files) and image files older
 * than it that have no row. Idempotent: a second run finds nothing more.
 */
export async function sweepImages(db: Db, storage: MediaStorage, uses: readonly ImageUse[], olderThan: Date): Promise<{ unused: number; strays: number }> {
  const t = tablesOf<MediaTables>(db);
  const old = (await t.selectFrom('media_images').select('id').where('created_at', '<', olderThan).execute()).map((r) => r.id);
  const used = await usedAmong(db, uses, old);
  const unused = old.filter((id) => !used.has(id));
  let removed: string[] = [];
  for (let i = 0; i < unused.length; i += CHUNK) {
    const chunk = unused.slice(i, i + CHUNK);
    removed = removed.concat((await t.deleteFrom('media_images').where('id', 'in', chunk).where('created_at', '<', olderThan).returning('id').execute()).map((r) => r.id));
  }
  for (const id of removed) await storage.removeImage(id);

  // Files with no row: written, but the row never committed (or a sweep stopped between the two).
  const listed = (await storage.listImages()).filter((f) => f.writtenAt < olderThan);
  const known = new Set<string>();
  for (let i = 0; i < listed.length; i += CHUNK) {
    const chunk = listed.slice(i, i + CHUNK).map((f) => f.id);
    for (const r of (await sql<{ id: string }>`select id::text as id from media_images where id = any(${chunk}::uuid[])`.execute(db)).rows) known.add(r.id);
  }
  const strays = listed.filter((f) => !known.has(f.id));
  for (const f of strays) await storage.removeImage(f.id);
  return { unused: removed.length, strays: strays.length };
}
