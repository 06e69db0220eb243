// The accounts module's tables as Kysely sees them, column for column as migrations.ts makes them
// (a test in test/architecture/ keeps this module's queries on them). `Generated<>` marks a column
// the database fills when an insert leaves it out. A bytea column reads as a Uint8Array (PGlite)
// or a Buffer (node-postgres), so it is typed as the former.
import type { ColumnType, Generated, GeneratedAlways, Kysely, Selectable } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { StaffRole } from '../privacy/index.ts';

export type UserKind = 'customer' | 'staff' | 'vendor';
export type UserStatus = 'pending' | 'active' | 'disabled' | 'deactivated' | 'erasing';
export type UserOrigin = 'signup' | 'checkout' | 'invitation' | 'demo';
export type TokenPurpose = 'confirm-signup' | 'reset-password' | 'change-email';
export type SecurityEventKind = 'login-failed' | 'login-locked' | 'source-locked' | 'rate-limited' | 'new-network' | 'read-outside-role';
/** 'full': signed in. Staff start at 'second-factor' (code still to enter) or 'enrol' (second factor still to set up). */
export type SessionStage = 'full' | 'second-factor' | 'enrol';
export type ThrottleScope = 'account' | 'source';

/** Written as a Buffer, read as a Uint8Array (a Buffer on node-postgres). */
type Bytes = ColumnType<Uint8Array, Buffer, Buffer>;

export interface SecretsTable {
  name: string;
  value: Bytes;
  created_at: Generated<Date>;
}

/** One row at most: the kernel subject unknown emails are checked against (identity.ts). */
export interface DecoyTable {
  singleton: Generated<boolean>;
  subject_id: string;
}

export interface UsersTable {
  id: string;
  kind: UserKind;
  subject_id: string;
  status: UserStatus;
  /** Staff only (a check ties it to kind). */
  role: StaffRole | null;
  /** Vendor users only (a check ties it to kind). */
  vendor_id: string | null;
  password_changed_at: Date;
  created_at: Date;
  activated_at: Date | null;
  origin: Generated<UserOrigin>;
}

export interface SessionsTable {
  id: string;
  token_hash: Bytes;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  idle_expires_at: Date;
  expires_at: Date;
  stage: Generated<SessionStage>;
}

export interface TokensTable {
  token_hash: Bytes;
  user_id: string;
  purpose: TokenPurpose;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: Bytes;
  /** Plain text in the schema; written only from `rolesWithin` (api-tokens.ts). */
  role: StaffRole;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ThrottleTable {
  scope: ThrottleScope;
  key: Bytes;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

export interface SecurityEventsTable {
  /** bigint, read as a number (the database handle parses int8). */
  id: GeneratedAlways<number>;
  at: Date;
  kind: SecurityEventKind;
  user_id: string | null;
  /** jsonb, written as its JSON text. */
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface KnownNetworksTable {
  user_id: string;
  network: Bytes;
  first_seen_at: Date;
  last_seen_at: Date;
}

export interface AccountsTables {
  accounts_secrets: SecretsTable;
  accounts_decoy: DecoyTable;
  accounts_users: UsersTable;
  accounts_sessions: SessionsTable;
  accounts_tokens: TokensTable;
  accounts_api_tokens: ApiTokensTable;
  accounts_throttle: ThrottleTable;
  accounts_security_events: SecurityEventsTable;
  accounts_known_networks: KnownNetworksTable;
}

/** The root handle narrowed to this module's tables. */
export function accountsDb(db: Db): Kysely<AccountsTables> {
  return tablesOf<AccountsTables>(db);
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type TokenRow = Selectable<TokensTable>;
export type ThrottleRow = Selectable<ThrottleTable>;
export type SecurityEventRow = Selectable<SecurityEventsTable>;
