// The kernel's typed errors. A refusal says why in `reason` (stable, for code and tests) and in a
// message that names only categories, purposes and recipients, never personal data. Every
// refusal is written to the audit log before it is thrown.
import { AppError } from '../platform/errors.ts';

export type RefusalReason =
  | 'unknown-purpose'
  | 'unknown-category'
  | 'unknown-projection'
  | 'purpose-may-not-use-category'
  | 'purpose-not-for-subject-kind'
  | 'role-may-not-use-purpose'
  | 'role-may-not-see-category'
  | 'not-own-data'
  | 'audience-mismatch'
  | 'vendor-needs-disclosure'
  | 'consent-missing'
  | 'consent-withdrawn'
  | 'opted-out'
  | 'new-use-needs-consent'
  | 'never-stored'
  | 'unknown-recipient'
  | 'recipient-may-not-receive'
  | 'basis-unknown'
  | 'basis-not-for-recipient'
  | 'order-required'
  | 'dpo-approval-required'
  | 'approval-invalid'
  | 'cpni-needs-authorisation'
  | 'not-dpo'
  | 'role-may-not-record-consent'
  | 'review-invalid'
  | 'forged-actor'
  | 'undeclared-job'
  | 'job-may-not-use-purpose';

export class PrivacyRefusal extends AppError {
  readonly reason: RefusalReason;

  constructor(reason: RefusalReason, message: string) {
    super('PRIVACY_REFUSED', message);
    this.name = 'PrivacyRefusal';
    this.reason = reason;
  }
}

/** The subject was erased: its data key is destroyed and nothing can be read or written. */
export class SubjectErased extends AppError {
  constructor() {
    super('SUBJECT_ERASED');
    this.name = 'SubjectErased';
  }
}

/** The data map, keyring or residency check stops the kernel from starting. */
export class PrivacySetupError extends AppError {
  constructor(message: string) {
    super('PRIVACY_SETUP_INVALID', message);
    this.name = 'PrivacySetupError';
  }
}

export function isPrivacyRefusal(err: unknown): err is PrivacyRefusal {
  return err instanceof PrivacyRefusal;
}
