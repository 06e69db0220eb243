// The proof of identity a buyer uploads, kept as kernel items of the buyer (category
// user.government_id, purpose fraud-prevention): encrypted under the buyer's data key, read only by
// roles the data map lets see it (each read audited), erased with the buyer, and forgotten by the
// purge job when its retention ends; in parts under `fraud:<order>:proof:<n>` (the kernel's
// keepDocument).
import { AppError, validationError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/database.ts';
import { type Actor, keepDocument, type PrivacyKernel, readDocument, systemActor } from '../../privacy/index.ts';
import { type DocumentType, documentTypeOf } from '../../web/upload.ts';

export const PROOF_CATEGORY = 'user.government_id';
export const PROOF_PURPOSE = 'fraud-prevention';
/** The system actor of the fraud steps (declared in datamap/jobs.yml). */
export const FRAUD_JOB = 'fraud';
export const FRAUD_ACTOR = systemActor(FRAUD_JOB);
export const MAX_PROOF_BYTES = 5 * 1024 * 1024;
export type ProofType = DocumentType;

export const proofRef = (orderId: string) => `fraud:${orderId}:proof`;

/** The file's type, or the error naming `file`. */
export function checkProofFile(file: { data: Buffer; truncated: boolean } | undefined): { data: Buffer; type: ProofType } {
  if (!file || !Buffer.isBuffer(file.data) || file.data.length === 0) throw validationError('file', 'is required: choose a photo or scan of your proof of identity');
  if (file.truncated || file.data.length > MAX_PROOF_BYTES) throw validationError('file', `is larger than ${MAX_PROOF_BYTES / 1024 / 1024} MB`);
  const type = documentTypeOf(file.data);
  if (!type) throw validationError('file', 'must be a JPEG or PNG image or a PDF document');
  return { data: file.data, type };
}

/** Keeps the document for the order (a new upload replaces the last); returns how many parts. */
export async function storeProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; subject: string; data: Buffer; type: ProofType }): Promise<number> {
  await kernel.forget(db, { subject: p.subject, actor: FRAUD_ACTOR, purpose: PROOF_PURPOSE, categories: [PROOF_CATEGORY], ref: proofRef(p.orderId) });
  return keepDocument(kernel, db, { subject: p.subject, actor: FRAUD_ACTOR, purpose: PROOF_PURPOSE, category: PROOF_CATEGORY, ref: proofRef(p.orderId), data: p.data, type: p.type });
}

/** The document, read by `actor` under fraud-prevention (one audited read per part, one statement). */
export async function readProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; subject: string; parts: number; actor: Actor }): Promise<{ type: ProofType; data: Buffer }> {
  const read = await readDocument(kernel, db, { subject: p.subject, actor: p.actor, purpose: PROOF_PURPOSE, category: PROOF_CATEGORY, ref: proofRef(p.orderId), parts: p.parts });
  if (!read.ok) throw new AppError('NOT_FOUND', 'The proof of identity is no longer kept.');
  return { type: read.type as ProofType, data: read.data };
}

/** Erases every part of the order's proof through the kernel; how many items went. */
export function forgetProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; subject: string }): Promise<number> {
  return kernel.forget(db, { subject: p.subject, actor: FRAUD_ACTOR, purpose: PROOF_PURPOSE, categories: [PROOF_CATEGORY], ref: proofRef(p.orderId) });
}
