// The mail the accounts module sends. Each goes to an address held by the kernel (the person's
// current email, or the one waiting for confirmation), named by subject id and ref, never by value.
import type { Db } from '../platform/db/database.ts';

export type AccountTemplate =
  | 'accounts.confirm-signup'
  | 'accounts.signup-existing'
  | 'accounts.checkout-account'
  | 'accounts.checkout-existing'
  | 'accounts.reset-password'
  | 'accounts.confirm-email-change'
  | 'accounts.email-change-notice'
  | 'accounts.email-in-use'
  | 'accounts.password-changed'
  | 'accounts.staff-invitation'
  | 'accounts.vendor-invitation'
  | 'accounts.security-alert'
  | 'accounts.new-network';

export interface AccountMail {
  template: AccountTemplate;
  /** The kernel subject whose address receives it. */
  subject: string;
  /** The email item's ref: '' (the current address) or 'pending' (the one being confirmed). */
  addressRef: '' | 'pending';
  /** Values for the template: links (with opaque tokens), never personal data. */
  params: Record<string, string>;
  /** A second mail with the same key is not queued (comms idempotency). */
  idempotencyKey?: string;
}

export type AccountMailer = (db: Db, mail: AccountMail) => Promise<void>;
