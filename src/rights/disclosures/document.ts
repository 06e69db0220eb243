// The request's instrument (its reference: a docket number, an agency's case number) and the
// attached document (the order, the subpoena, the report) are personal data of the person they
// concern: kept as kernel items of that person under legal compliance, encrypted under their key,
// read back through the kernel (audited) and shredded with them. The kernel keeps at most 64 KB
// per item, so a document is cut into chunks, one item each (`legal:<id>:<n>`).
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import type { Actor, PrivacyKernel } from '../../privacy/index.ts';
import type { UploadedFile } from '../../web/upload.ts';

export const DOCUMENT_PURPOSE = 'legal-compliance';
const CATEGORY = 'user.content.private';
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const CHUNK_BYTES = 45 * 1024;

export type DocumentType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** What the file is, from its first bytes (the browser's claim is not trusted). */
export function documentType(data: Buffer): DocumentType | null {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return null;
}

/** The uploaded file, checked: null when none was attached. */
export function checkedDocument(file: unknown, field = 'document'): { data: Buffer; type: DocumentType } | null {
  if (file === undefined || file === null || file === '') return null;
  const upload = file as Partial<UploadedFile>;
  if (!Buffer.isBuffer(upload.data)) throw validationError(field, 'must be a file');
  if (upload.data.length === 0) return null;
  if (upload.truncated || upload.data.length > MAX_DOCUMENT_BYTES) throw validationError(field, 'must be at most 1 MB');
  const type = documentType(upload.data);
  if (!type) throw validationError(field, 'must be a PDF, PNG or JPEG file');
  return { data: upload.data, type };
}

const instrumentRef = (id: string) => `legal:${id}`;
const chunkRef = (id: string, n: number) => `legal:${id}:${n}`;

export async function keepInstrument(
  kernel: PrivacyKernel,
  db: Db,
  r: { subject: string; actor: Actor; id: string; instrument: string; document: { data: Buffer; type: DocumentType } | null },
): Promise<number> {
  await kernel.write(db, { subject: r.subject, actor: r.actor, purpose: DOCUMENT_PURPOSE, ref: instrumentRef(r.id), values: { [CATEGORY]: r.instrument } });
  if (!r.document) return 0;
  const chunks = Math.ceil(r.document.data.length / CHUNK_BYTES);
  for (let n = 0; n < chunks; n++) {
    const part = r.document.data.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES).toString('base64');
    await kernel.write(db, { subject: r.subject, actor: r.actor, purpose: DOCUMENT_PURPOSE, ref: chunkRef(r.id, n), values: { [CATEGORY]: part } });
  }
  return chunks;
}

/** The instrument's reference as the actor may read it (audited), or null when the kernel refuses or it is gone. */
export async function readInstrument(kernel: PrivacyKernel, db: Db, r: { subject: string; actor: Actor; id: string }): Promise<string | null> {
  const [result] = await kernel.readMany(db, { actor: r.actor, purpose: DOCUMENT_PURPOSE, categories: [CATEGORY], items: [{ subject: r.subject, ref: instrumentRef(r.id) }] });
  const value = result?.ok ? result.record.values[CATEGORY] : undefined;
  return typeof value === 'string' ? value : null;
}

/** The whole document, read in one kernel call (each chunk audited). */
export async function readDocument(kernel: PrivacyKernel, db: Db, r: { subject: string; actor: Actor; id: string; chunks: number }): Promise<Buffer> {
  const items = Array.from({ length: r.chunks }, (_, n) => ({ subject: r.subject, ref: chunkRef(r.id, n) }));
  const results = await kernel.readMany(db, { actor: r.actor, purpose: DOCUMENT_PURPOSE, categories: [CATEGORY], items });
  const parts: Buffer[] = [];
  for (const result of results) {
    if (!result.ok)
      throw new AppError(result.reason === 'erased' ? 'NOT_FOUND' : 'FORBIDDEN', result.reason === 'erased' ? 'The person was erased: the document is gone.' : 'Your role may not read this document.');
    const value = result.record.values[CATEGORY];
    if (typeof value !== 'string') throw new AppError('NOT_FOUND', 'The document is no longer held.');
    parts.push(Buffer.from(value, 'base64'));
  }
  return Buffer.concat(parts);
}
