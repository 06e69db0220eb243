// Keyed digests tied to one person (decision 0081): a module that must recognise a value of theirs
// again without keeping it (the network an account signs in from) keeps HMAC-SHA-256 under a key
// derived from that person's data key and the module's domain. The same value of two people gives
// unrelated digests, so a digest joins to nothing but the one account it is kept for; and erasing
// the person destroys their data key, after which no digest of theirs can be recomputed or tested
// against a guess, in this database or in any backup. Not personal data in clear, so not audited.
import { createHmac } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { KernelContext } from '../context.ts';
import { dataKeyForUse } from './subjects.ts';

const DOMAIN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

export interface SubjectDigestRequest {
  subject: string;
  /** The module's use, e.g. `accounts.network`: digests of one use never match another's. */
  domain: string;
  value: string;
}

export async function subjectDigest(ctx: KernelContext, db: Db, request: SubjectDigestRequest): Promise<Buffer> {
  if (!DOMAIN.test(request.domain) || request.domain.length > 64) throw validationError('domain', 'must be a module-qualified name such as accounts.network');
  const dataKey = await dataKeyForUse(ctx, db, request.subject);
  const derived = createHmac('sha256', dataKey).update(`custodian/subject-digest/v1\0${request.subject}\0${request.domain}`).digest();
  try {
    return createHmac('sha256', derived).update(request.value, 'utf8').digest();
  } finally {
    derived.fill(0);
  }
}
