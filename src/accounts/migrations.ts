// The accounts module's tables, all prefixed `accounts_`. None holds personal data: names, email
// addresses, password hashes, second-factor secrets and age attestations live in the privacy
// kernel under the user's subject id (decision 0014). Tokens are stored only as SHA-256 digests;
// throttle keys only as keyed digests.
import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const accountsMigrations: Migration[] = [
  {
    id: 'accounts/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create table accounts_secrets (
          name text primary key check (name ~ '^[a-z-]+$'),
          value bytea not null check (length(value) = 32),
          created_at timestamptz not null default now()
        );
        create table accounts_decoy (
          singleton boolean primary key default true check (singleton),
          subject_id uuid not null unique
        );
        create table accounts_users (
          id uuid primary key,
          kind text not null check (kind in ('customer', 'staff', 'vendor')),
          subject_id uuid not null unique,
          status text not null check (status in ('pending', 'active', 'disabled')),
          role text check (role in ('owner', 'support', 'fulfilment', 'marketing', 'accountant', 'dpo')),
          vendor_id uuid,
          password_changed_at timestamptz not null,
          created_at timestamptz not null,
          activated_at timestamptz,
          check ((kind = 'staff') = (role is not null)),
          check ((kind = 'vendor') = (vendor_id is not null))
        );
        create table accounts_sessions (
          id uuid primary key,
          token_hash bytea not null unique check (length(token_hash) = 32),
          user_id uuid not null references accounts_users(id) on delete cascade,
          created_at timestamptz not null,
          last_seen_at timestamptz not null,
          idle_expires_at timestamptz not null,
          expires_at timestamptz not null
        );
        create index accounts_sessions_user_idx on accounts_sessions (user_id);
        create index accounts_sessions_expiry_idx on accounts_sessions (expires_at);
        create table accounts_tokens (
          token_hash bytea primary key check (length(token_hash) = 32),
          user_id uuid not null references accounts_users(id) on delete cascade,
          purpose text not null check (purpose in ('confirm-signup', 'reset-password', 'change-email')),
          created_at timestamptz not null,
          expires_at timestamptz not null,
          used_at timestamptz
        );
        create index accounts_tokens_user_idx on accounts_tokens (user_id, purpose);
        create table accounts_throttle (
          scope text not null check (scope in ('account', 'source')),
          key bytea not null check (length(key) = 32),
          failures integer not null check (failures >= 0),
          window_started_at timestamptz not null,
          locked_until timestamptz,
          primary key (scope, key)
        );
        create table accounts_security_events (
          id bigint generated always as identity primary key,
          at timestamptz not null,
          kind text not null check (kind in ('login-failed', 'login-locked', 'source-locked', 'rate-limited', 'new-network', 'read-outside-role')),
          user_id uuid references accounts_users(id) on delete set null,
          detail jsonb not null default '{}'::jsonb
        );
        create index accounts_security_events_at_idx on accounts_security_events (at);
        `,
      ),
  },
  {
    id: 'accounts/0002_known_networks',
    up: (db) =>
      runSql(
        db,
        `
        create table accounts_known_networks (
          user_id uuid not null references accounts_users(id) on delete cascade,
          network bytea not null check (length(network) = 32),
          first_seen_at timestamptz not null,
          last_seen_at timestamptz not null,
          primary key (user_id, network)
        )
        `,
      ),
  },
  {
    id: 'accounts/0003_session_stage',
    up: (db) =>
      runSql(
        db,
        `
        alter table accounts_sessions add column stage text not null default 'full' check (stage in ('full', 'second-factor', 'enrol'))
        `,
      ),
  },
  {
    id: 'accounts/0004_user_origin',
    // Where an account came from: a sign-up (swept when its confirmation link expires unused) or a
    // checkout (never swept: orders hang on its subject).
    up: (db) =>
      runSql(
        db,
        `
        alter table accounts_users add column origin text not null default 'signup' check (origin in ('signup', 'checkout', 'invitation', 'demo'));
        update accounts_users set origin = 'invitation' where kind <> 'customer';
        `,
      ),
  },
];

// A customer may deactivate their account (kept, not used, not mailed; signing in again offers to
// reactivate it) or delete it: from the request until the erasure completes, the account is
// `erasing` (no sign-in, no session).
accountsMigrations.push({
  id: 'accounts/0005_deactivated_and_erasing',
  up: (db) =>
    runSql(
      db,
      `
      alter table accounts_users drop constraint accounts_users_status_check;
      alter table accounts_users add constraint accounts_users_status_check check (status in ('pending', 'active', 'disabled', 'deactivated', 'erasing'))
      `,
    ),
});

// Personal API tokens of staff members (decision 0026): stored as a SHA-256 digest, scoped to one
// role no wider than the member's, expiring, revocable.
accountsMigrations.push({
  id: 'accounts/0006_api_tokens',
  up: (db) =>
    runSql(
      db,
      `
      create table accounts_api_tokens (
        id uuid primary key,
        user_id uuid not null references accounts_users(id) on delete cascade,
        token_hash bytea not null unique check (length(token_hash) = 32),
        role text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      create index accounts_api_tokens_user_idx on accounts_api_tokens (user_id)
      `,
    ),
});

// Network digests were keyed with a secret kept in accounts_secrets, beside them, so every IPv4
// address was recoverable by trying them all. They, and the lockout counters' digests of emails
// under the same secret, are now keyed in the kernel's keyring (decision 0025); the old ones can
// never match again, so they go with the secret. Nobody is warned of a "new" network for it: a
// user with no remembered network gets no alert at the next sign-in.
accountsMigrations.push({
  id: 'accounts/0007_digest_keys_out_of_the_database',
  up: (db) =>
    runSql(
      db,
      `
      delete from accounts_known_networks;
      delete from accounts_throttle;
      delete from accounts_secrets where name = 'throttle'
      `,
    ),
});

// Checkout's set-password link is mailed again, not replaced, while it is live (decision 0038): the
// token is kept sealed by the kernel under the person's key beside its digest.
accountsMigrations.push({
  id: 'accounts/0008_set_password_token_sealed',
  up: (db) => runSql(db, 'alter table accounts_tokens add column sealed bytea'),
});

// Network digests are now made under a key of each account holder's own, destroyed when they are
// erased (decision 0081); digests under the keyring's shared key never match again. As in 0007,
// they are dropped rather than left to raise a "new network" alert at everyone's next sign-in.
accountsMigrations.push({
  id: 'accounts/0009_network_digests_per_account',
  up: (db) => runSql(db, 'delete from accounts_known_networks'),
});
