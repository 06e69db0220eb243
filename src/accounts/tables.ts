// Row types of the accounts module's tables (see migrations.ts).
import type { Generated } from 'kysely';
import type { StaffRole } from '../privacy/index.ts';

export type UserKind = 'customer' | 'staff' | 'vendor';
export type UserStatus = 'pending' | 'active' | 'disabled' | 'deactivated' | 'erasing';
export type UserOrigin = 'signup' | 'checkout' | 'invitation' | 'demo';
export type TokenPurpose = 'confirm-signup' | 'reset-password' | 'change-email';
export type SecurityEventKind = 'login-failed' | 'login-locked' | 'source-locked' | 'rate-limited' | 'new-network' | 'read-outside-role';

export interface UserRow {
  id: string;
  kind: UserKind;
  subject_id: string;
  status: UserStatus;
  role: StaffRole | null;
  vendor_id: string | null;
  password_changed_at: Date;
  created_at: Date;
  activated_at: Date | null;
  origin: UserOrigin;
}

export interface SessionRow {
  id: string;
  token_hash: Buffer;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  idle_expires_at: Date;
  expires_at: Date;
}

export interface TokenRow {
  token_hash: Buffer;
  user_id: string;
  purpose: TokenPurpose;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  /** Checkout's set-password token, sealed by the kernel under the user's key, so a later mail can repeat the same link (decision 0038). */
  sealed?: Buffer | null;
}

export interface ThrottleRow {
  scope: 'account' | 'source';
  key: Buffer;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

export interface SecurityEventRow {
  id: number;
  at: Date;
  kind: SecurityEventKind;
  user_id: string | null;
  detail: Record<string, unknown>;
}

export interface AccountsTables {
  accounts_secrets: { name: string; value: Buffer; created_at: Date };
  accounts_users: UserRow;
  accounts_sessions: SessionRow;
  accounts_tokens: TokenRow;
  accounts_throttle: ThrottleRow;
  accounts_security_events: Omit<SecurityEventRow, 'id'> & { id: Generated<number> };
}
