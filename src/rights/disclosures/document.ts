// The request's instrument (its reference: a docket number, an agency's case number) and the
// attached document (the order, the subpoena, the report) are personal data of the person they
// concern: kept as kernel items of that person under legal compliance, encrypted under their key,
// read back through the kernel (audited) and shredded with them; the document in parts
// (`legal:<id>:<n>`, the kernel's keepDocument).
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { type Actor, keepDocument, type PrivacyKernel, readDocument as readKernelDocument } from '../../privacy/index.ts';
import { type DocumentType, documentTypeOf, type UploadedFile } from '../../web/upload.ts';

export const DOCUMENT_PURPOSE = 'legal-compliance';
const CATEGORY = 'user.content.private';
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** The uploaded file, checked: null when none was attached. */
export function checkedDocument(file: unknown, field = 'document'): { data: Buffer; type: DocumentType } | null {
  if (file === undefined || file === null || file === '') return null;
  const upload = file as Partial<UploadedFile>;
  if (!Buffer.isBuffer(upload.data)) throw validationError(field, 'must be a file');
  if (upload.data.length === 0) return null;
  if (upload.truncated || upload.data.length > MAX_DOCUMENT_BYTES) throw validationError(field, 'must be at most 1 MB');
  const type = documentTypeOf(upload.data);
  if (!type) throw validationError(field, 'must be a PDF, PNG or JPEG file');
  return { data: upload.data, type };
}

const instrumentRef = (id: string) => `legal:${id}`;

export async function keepInstrument(
  kernel: PrivacyKernel,
  db: Db,
  r: { subject: string; actor: Actor; id: string; instrument: string; document: { data: Buffer; type: DocumentType } | null },
): Promise<number> {
  await kernel.write(db, { subject: r.subject, actor: r.actor, purpose: DOCUMENT_PURPOSE, ref: instrumentRef(r.id), values: { [CATEGORY]: r.instrument } });
  if (!r.document) return 0;
  return keepDocument(kernel, db, { subject: r.subject, actor: r.actor, purpose: DOCUMENT_PURPOSE, category: CATEGORY, ref: instrumentRef(r.id), ...r.document });
}

/** The instrument's reference as the actor may read it (audited), or null when the kernel refuses or it is gone. */
export async function readInstrument(kernel: PrivacyKernel, db: Db, r: { subject: string; actor: Actor; id: string }): Promise<string | null> {
  const [result] = await kernel.readMany(db, { actor: r.actor, purpose: DOCUMENT_PURPOSE, categories: [CATEGORY], items: [{ subject: r.subject, ref: instrumentRef(r.id) }] });
  const value = result?.ok ? result.record.values[CATEGORY] : undefined;
  return typeof value === 'string' ? value : null;
}

/** The whole document, read in one kernel call (each part audited). */
export async function readDocument(kernel: PrivacyKernel, db: Db, r: { subject: string; actor: Actor; id: string; chunks: number }): Promise<Buffer> {
  const read = await readKernelDocument(kernel, db, { subject: r.subject, actor: r.actor, purpose: DOCUMENT_PURPOSE, category: CATEGORY, ref: instrumentRef(r.id), parts: r.chunks });
  if (read.ok) return read.data;
  if (read.reason === 'refused') throw new AppError('FORBIDDEN', 'Your role may not read this document.');
  throw new AppError('NOT_FOUND', read.reason === 'erased' ? 'The person was erased: the document is gone.' : 'The document is no longer held.');
}
