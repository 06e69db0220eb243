// A document (a scan of an ID, a court order) kept as personal data of the person it concerns:
// through the kernel's own calls, so it is encrypted under that person's key, each read is checked
// and audited, and erasure shreds it. The kernel keeps at most 64 KB per item, so a document is
// kept in parts, one item each under `<ref>:<n>`, each `{ type, part, parts, data }` (base64).
import type { Db } from '../platform/db/database.ts';
import type { Actor } from './actors.ts';
import type { PrivacyKernel } from './kernel.ts';

/** Raw bytes per part: their base64 with the part's other fields stays under the kernel's 64 KB. */
const PART_BYTES = 45 * 1024;

export interface DocumentPlace {
  subject: string;
  actor: Actor;
  purpose: string;
  category: string;
  /** The document's ref; its parts are `<ref>:<n>`. */
  ref: string;
}

/** Keeps `data` in parts; returns how many (the caller keeps the count to read it back). */
export async function keepDocument(kernel: PrivacyKernel, db: Db, r: DocumentPlace & { data: Buffer; type: string }): Promise<number> {
  const parts = Math.ceil(r.data.length / PART_BYTES);
  for (let n = 0; n < parts; n++) {
    const data = r.data.subarray(n * PART_BYTES, (n + 1) * PART_BYTES).toString('base64');
    await kernel.write(db, { subject: r.subject, actor: r.actor, purpose: r.purpose, ref: `${r.ref}:${n}`, values: { [r.category]: { type: r.type, part: n, parts, data } } });
  }
  return parts;
}

export type DocumentRead = { ok: true; type: string; data: Buffer } | { ok: false; reason: 'erased' | 'refused' | 'gone' };

/** The whole document, read in one kernel call (each part audited), or why not. */
export async function readDocument(kernel: PrivacyKernel, db: Db, r: DocumentPlace & { parts: number }): Promise<DocumentRead> {
  const items = Array.from({ length: r.parts }, (_, n) => ({ subject: r.subject, ref: `${r.ref}:${n}` }));
  const results = await kernel.readMany(db, { actor: r.actor, purpose: r.purpose, categories: [r.category], items });
  const chunks: Buffer[] = [];
  let type: string | null = null;
  for (const result of results) {
    if (!result.ok) return { ok: false, reason: result.reason === 'erased' ? 'erased' : 'refused' };
    const part = result.record.values[r.category] as { type?: unknown; data?: unknown } | undefined;
    if (typeof part?.data !== 'string' || typeof part.type !== 'string') return { ok: false, reason: 'gone' };
    type = part.type;
    chunks.push(Buffer.from(part.data, 'base64'));
  }
  return type ? { ok: true, type, data: Buffer.concat(chunks) } : { ok: false, reason: 'gone' };
}
