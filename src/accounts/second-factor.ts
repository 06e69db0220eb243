// The staff second factor, kept like the password: as user.authorization.credentials in the
// kernel (ref 'totp'; a secret being set up waits under 'totp-pending'), encrypted under the
// person's key, every read audited. Recovery codes are kept only as SHA-256 digests.
import type { Db } from '../platform/db/database.ts';
import { validationError } from '../platform/errors.ts';
import { selfActor, type Actor, type PrivacyKernel } from '../privacy/index.ts';
import { ACCOUNT_PURPOSE, CREDENTIALS } from './identity.ts';
import type { UserRow } from './tables.ts';
import { digestRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret } from './totp.ts';

const TOTP_REF = 'totp';
const PENDING_REF = 'totp-pending';

export interface TotpRecord {
  secret: string;
  recovery: string[];
  last_step: number;
  enrolled_at: string;
}

async function readRef(kernel: PrivacyKernel, db: Db, user: UserRow, ref: string, actor: Actor): Promise<unknown> {
  return (await kernel.read(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, categories: [CREDENTIALS], ref })).values[CREDENTIALS];
}

export async function totpOf(kernel: PrivacyKernel, db: Db, user: UserRow, actor: Actor = selfActor(user.subject_id)): Promise<TotpRecord | null> {
  const value = await readRef(kernel, db, user, TOTP_REF, actor);
  return value && typeof value === 'object' && 'secret' in value ? (value as unknown as TotpRecord) : null;
}

/** The secret being set up (made on first call), to show once with its otpauth URI. */
export async function startEnrolment(kernel: PrivacyKernel, db: Db, user: UserRow): Promise<string> {
  const actor = selfActor(user.subject_id);
  const pending = await readRef(kernel, db, user, PENDING_REF, actor);
  if (typeof pending === 'string') return pending;
  const secret = newTotpSecret();
  await kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, ref: PENDING_REF, values: { [CREDENTIALS]: secret } });
  return secret;
}

/** Confirms the set-up with a first code; returns the recovery codes (shown once). */
export async function finishEnrolment(kernel: PrivacyKernel, db: Db, user: UserRow, code: string, now: Date): Promise<string[]> {
  const actor = selfActor(user.subject_id);
  const secret = await readRef(kernel, db, user, PENDING_REF, actor);
  if (typeof secret !== 'string') throw validationError('body.code', 'start the set-up again: no second factor is waiting to be confirmed');
  const step = matchTotp(secret, code, now, -1);
  if (step === null) throw validationError('body.code', 'is not the code your app shows now');
  const codes = newRecoveryCodes();
  const record: TotpRecord = { secret, recovery: codes.map(digestRecoveryCode), last_step: step, enrolled_at: now.toISOString() };
  await kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, ref: TOTP_REF, values: { [CREDENTIALS]: record as never } });
  await kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, ref: PENDING_REF, values: { [CREDENTIALS]: null } });
  return codes;
}

/** Checks a code from the app (never the same one twice) or a recovery code (each used once). */
export async function checkSecondFactor(kernel: PrivacyKernel, db: Db, user: UserRow, code: string, now: Date): Promise<boolean> {
  const actor = selfActor(user.subject_id);
  const record = await totpOf(kernel, db, user, actor);
  if (!record) return false;
  const step = matchTotp(record.secret, code, now, record.last_step);
  let next: TotpRecord | null = null;
  if (step !== null) next = { ...record, last_step: step };
  else {
    const digest = digestRecoveryCode(code);
    if (record.recovery.includes(digest)) next = { ...record, recovery: record.recovery.filter((d) => d !== digest) };
  }
  if (!next) return false;
  await kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, ref: TOTP_REF, values: { [CREDENTIALS]: next as never } });
  return true;
}
