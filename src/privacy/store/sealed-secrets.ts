// Secrets a module must keep for a moment for one person and then hand to them, such as the link
// with a one-time token in a mail waiting in the outbox. Modules store only a digest of such a
// token; the one copy that must be recoverable until the mail is sent is sealed here, under the
// person's own data key (AES-256-GCM, bound to the subject and to where the blob is kept), so a
// copy of the database, its old row versions or its WAL shows ciphertext, not a usable link, and
// erasing the person shreds it with everything else (decision 0025). A token is not personal
// data, so sealing and opening are not audited reads.
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { KernelContext } from '../context.ts';
import { aad, open, seal } from '../crypto/envelope.ts';
import { dataKeyForUse, dataKeyOf } from './subjects.ts';

export interface SealRequest {
  subject: string;
  /** Where the sealed blob is kept, e.g. `comms_outbox:<id>`: a blob moved elsewhere does not open. */
  context: string;
}

const MAX_SECRET_BYTES = 16_384;

function checkContext(context: string): void {
  if (context.length === 0 || context.length > 200 || context.includes('\0')) throw validationError('context', 'must be 1-200 characters');
}

export async function sealSecret(ctx: KernelContext, db: Db, request: SealRequest & { value: string }): Promise<Buffer> {
  checkContext(request.context);
  const plaintext = Buffer.from(request.value, 'utf8');
  if (plaintext.length > MAX_SECRET_BYTES) throw validationError('value', 'is too large');
  const dataKey = await dataKeyForUse(ctx, db, request.subject);
  return seal(dataKey, plaintext, aad('sealed-secret', request.subject, request.context));
}

/** Opens a blob sealed for this subject and context; SubjectErased once the person is erased. */
export async function openSecret(ctx: KernelContext, db: Db, request: SealRequest & { sealed: Buffer }): Promise<string> {
  checkContext(request.context);
  const { dataKey } = await dataKeyOf(ctx, db, request.subject);
  return open(dataKey, request.sealed, aad('sealed-secret', request.subject, request.context)).toString('utf8');
}
