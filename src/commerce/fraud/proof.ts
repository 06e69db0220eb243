// The proof of identity a buyer uploads, kept as kernel items of the buyer (category
// user.government_id, purpose fraud-prevention): encrypted under the buyer's data key, read only by
// roles the data map lets see it (each read audited), erased with the buyer, and forgotten by the
// purge job when its retention ends. A kernel item holds at most 64 KB, so a document is kept in
// parts under `fraud:<order>:proof:<n>`, each `{type, size, part, parts, data}` with base64 data.
import { AppError, validationError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/database.ts';
import { type Actor, type PrivacyKernel, systemActor } from '../../privacy/index.ts';

export const PROOF_CATEGORY = 'user.government_id';
export const PROOF_PURPOSE = 'fraud-prevention';
/** The system actor of the fraud steps (declared in datamap/jobs.yml). */
export const FRAUD_JOB = 'fraud';
export const FRAUD_ACTOR = systemActor(FRAUD_JOB);
export const MAX_PROOF_BYTES = 5 * 1024 * 1024;
/** Raw bytes per part: base64 of it with the part's other fields stays under the kernel's 64 KB. */
const PART_BYTES = 45 * 1024;

export type ProofType = 'image/jpeg' | 'image/png' | 'application/pdf';

export const proofRef = (orderId: string) => `fraud:${orderId}:proof`;
const partRef = (orderId: string, n: number) => `${proofRef(orderId)}:${n}`;

/** What the file is by its first bytes (what the browser claims is not trusted). */
export function sniffProofType(data: Buffer): ProofType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

/** The file's type, or the error naming `file`. */
export function checkProofFile(file: { data: Buffer; truncated: boolean } | undefined): { data: Buffer; type: ProofType } {
  if (!file || !Buffer.isBuffer(file.data) || file.data.length === 0) throw validationError('file', 'is required: choose a photo or scan of your proof of identity');
  if (file.truncated || file.data.length > MAX_PROOF_BYTES) throw validationError('file', `is larger than ${MAX_PROOF_BYTES / 1024 / 1024} MB`);
  const type = sniffProofType(file.data);
  if (!type) throw validationError('file', 'must be a JPEG or PNG image or a PDF document');
  return { data: file.data, type };
}

/** Keeps the document for the order (a new upload replaces the last); returns how many parts. */
export async function storeProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; subject: string; data: Buffer; type: ProofType }): Promise<number> {
  await kernel.forget(db, { subject: p.subject, actor: FRAUD_ACTOR, purpose: PROOF_PURPOSE, categories: [PROOF_CATEGORY], ref: proofRef(p.orderId) });
  const parts = Math.ceil(p.data.length / PART_BYTES);
  for (let n = 0; n < parts; n++) {
    const data = p.data.subarray(n * PART_BYTES, (n + 1) * PART_BYTES).toString('base64');
    await kernel.write(db, {
      subject: p.subject,
      actor: FRAUD_ACTOR,
      purpose: PROOF_PURPOSE,
      ref: partRef(p.orderId, n),
      values: { [PROOF_CATEGORY]: { type: p.type, size: p.data.length, part: n, parts, data } },
    });
  }
  return parts;
}

/** The document, read by `actor` under fraud-prevention (one audited read per part, one statement). */
export async function readProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; subject: string; parts: number; actor: Actor }): Promise<{ type: ProofType; data: Buffer }> {
  const results = await kernel.readMany(db, {
    actor: p.actor,
    purpose: PROOF_PURPOSE,
    categories: [PROOF_CATEGORY],
    items: Array.from({ length: p.parts }, (_, n) => ({ subject: p.subject, ref: partRef(p.orderId, n) })),
  });
  const chunks: Buffer[] = [];
  let type: ProofType | null = null;
  for (const result of results) {
    if (!result.ok) throw new AppError('NOT_FOUND', 'The proof of identity is no longer kept.');
    const part = result.record.values[PROOF_CATEGORY] as { type?: ProofType; data?: string } | undefined;
    if (!part?.data || !part.type) throw new AppError('NOT_FOUND', 'The proof of identity is no longer kept.');
    type = part.type;
    chunks.push(Buffer.from(part.data, 'base64'));
  }
  if (!type) throw new AppError('NOT_FOUND', 'The proof of identity is no longer kept.');
  return { type, data: Buffer.concat(chunks) };
}

/** Erases every part of the order's proof through the kernel; how many items went. */
export function forgetProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; subject: string }): Promise<number> {
  return kernel.forget(db, { subject: p.subject, actor: FRAUD_ACTOR, purpose: PROOF_PURPOSE, categories: [PROOF_CATEGORY], ref: proofRef(p.orderId) });
}
