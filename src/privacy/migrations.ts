// The kernel's tables. Every one is prefixed `privacy_` and no code outside src/privacy may name
// them (a test greps for it). Nothing here holds personal data in the clear: items are AES-GCM
// ciphertexts under the subject's data key, lookups are keyed HMACs, and the audit, consent and
// disclosure ledgers carry pseudonymous ids only. Ledgers are append-only, enforced by triggers.
import { sql } from 'kysely';
import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';
import { bindLegacyLedgerRows } from './audit/ledger-bind.ts';

export const appendOnlyTables = [
  'privacy_policy_versions',
  'privacy_residency',
  'privacy_consents',
  'privacy_audit_log',
  'privacy_audit_chain',
  'privacy_disclosure_approvals',
  'privacy_disclosure_decisions',
  'privacy_disclosures',
] as const;

export const privacyMigrations: Migration[] = [
  {
    id: 'privacy/0001_kernel',
    async up(db) {
      await runSql(
        db,
        `
        create table privacy_policy_versions (
          version text primary key check (length(version) between 1 and 40),
          effective_at timestamptz not null,
          summary text not null,
          recorded_at timestamptz not null default now()
        );
        create table privacy_residency (
          singleton boolean primary key default true check (singleton),
          region text not null check (region ~ '^[a-z]{2}(-[a-z0-9]+)*$'),
          recorded_at timestamptz not null default now()
        );
        create table privacy_subjects (
          id uuid primary key,
          kind text not null,
          status text not null default 'active' check (status in ('active', 'restricted', 'erased')),
          policy_version text not null references privacy_policy_versions(version),
          created_at timestamptz not null,
          status_changed_at timestamptz
        );
        create index privacy_subjects_erased_idx on privacy_subjects (id) where status = 'erased';
        create table privacy_subject_keys (
          subject_id uuid primary key references privacy_subjects(id),
          leaf bigint not null unique check (leaf >= 0),
          master_key_id text not null,
          wrapped_key bytea not null,
          created_at timestamptz not null default now(),
          rewrapped_at timestamptz
        );
        create index privacy_subject_keys_master_idx on privacy_subject_keys (master_key_id);
        create table privacy_items (
          id uuid primary key,
          subject_id uuid not null references privacy_subjects(id),
          category text not null,
          ref text not null default '' check (length(ref) <= 200),
          ciphertext bytea not null,
          policy_version text not null references privacy_policy_versions(version),
          purpose text not null,
          collected_at timestamptz not null,
          retain_until timestamptz not null,
          unique (subject_id, category, ref)
        );
        create index privacy_items_retention_idx on privacy_items (retain_until);
        create table privacy_blind_indexes (
          subject_id uuid not null references privacy_subjects(id),
          category text not null,
          ref text not null default '',
          digest bytea not null,
          primary key (subject_id, category, ref)
        );
        create index privacy_blind_indexes_lookup_idx on privacy_blind_indexes (category, digest);
        create table privacy_consents (
          id bigint generated always as identity primary key,
          subject_id uuid not null references privacy_subjects(id),
          purpose text not null,
          recipient text not null default '',
          action text not null check (action in ('grant', 'withdraw')),
          channel text not null check (channel in ('web', 'email', 'phone', 'paper', 'in-person')),
          recorded_at timestamptz not null,
          recorded_by_kind text not null,
          recorded_by text not null,
          policy_version text not null references privacy_policy_versions(version),
          evidence bytea
        );
        create index privacy_consents_current_idx on privacy_consents (subject_id, purpose, recipient, id desc);
        create table privacy_audit_log (
          id bigint generated always as identity primary key,
          at timestamptz not null,
          actor_kind text not null,
          actor_id text not null,
          actor_role text,
          action text not null,
          outcome text not null,
          subject_id uuid,
          purpose text,
          categories text[] not null default '{}',
          detail jsonb not null default '{}'
        );
        create index privacy_audit_log_subject_idx on privacy_audit_log (subject_id, id);
        create table privacy_audit_pending (
          entry_id bigint primary key
        );
        create table privacy_audit_chain (
          seq bigint primary key check (seq > 0),
          entry_id bigint not null unique references privacy_audit_log(id),
          hash bytea not null,
          sealed_at timestamptz not null default now()
        );
        create table privacy_disclosure_approvals (
          id uuid primary key,
          requested_at timestamptz not null,
          subject_id uuid not null references privacy_subjects(id),
          recipient text not null,
          categories text[] not null,
          purpose text not null,
          basis text not null,
          order_ref text,
          requested_by_kind text not null,
          requested_by text not null
        );
        create table privacy_disclosure_decisions (
          approval_id uuid primary key references privacy_disclosure_approvals(id),
          decision text not null check (decision in ('approved', 'rejected')),
          decided_at timestamptz not null,
          decided_by text not null
        );
        create table privacy_disclosures (
          id uuid primary key,
          at timestamptz not null,
          subject_id uuid not null references privacy_subjects(id),
          recipient text not null,
          recipient_ref text not null default '',
          categories text[] not null,
          purpose text not null,
          basis text not null,
          order_ref text,
          actor_kind text not null,
          actor_id text not null,
          approval_id uuid unique references privacy_disclosure_approvals(id),
          consent_id bigint references privacy_consents(id)
        );
        create index privacy_disclosures_subject_idx on privacy_disclosures (subject_id, at);
        create index privacy_disclosures_order_idx on privacy_disclosures (order_ref) where order_ref is not null
        `,
      );
      await sql
        .raw(
          `create function privacy_refuse_change() returns trigger language plpgsql as $$
          begin raise exception '% is append-only: % is not allowed', tg_table_name, tg_op using errcode = '42501'; end
          $$`,
        )
        .execute(db);
      for (const table of appendOnlyTables) {
        await sql.raw(`create trigger ${table}_no_change before update or delete on ${table} for each row execute function privacy_refuse_change()`).execute(db);
        await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function privacy_refuse_change()`).execute(db);
      }
    },
  },
  {
    // Which blind-index key of the keyring made each digest (decision 0023). Rows written before
    // were made under the single key a format-1 keyring holds, which it reads as version 1. No
    // default afterwards: every write names the version it used.
    id: 'privacy/0002_blind_index_key_version',
    async up(db) {
      await runSql(
        db,
        `
        alter table privacy_blind_indexes add column key_version integer not null default 1 check (key_version > 0);
        alter table privacy_blind_indexes alter column key_version drop default;
        create index privacy_blind_indexes_version_idx on privacy_blind_indexes (key_version)
        `,
      );
    },
  },
];

// Notices to recipients (P000-12, P004-18): when a person is erased or corrects an item, every
// recipient that received their data is told, through this ledger. A notice names the recipient,
// the categories and orders concerned and the disclosures it follows; its delivery (by the
// processor's API, by mail, or by hand by the DPO) is a second append-only row. A corrected item
// keeps its purpose, policy version and collection time and records when it was corrected.
privacyMigrations.push({
  id: 'privacy/0003_notices_and_corrections',
  async up(db) {
    await runSql(
      db,
      `
      create table privacy_recipient_notices (
        id uuid primary key,
        at timestamptz not null,
        subject_id uuid not null references privacy_subjects(id),
        kind text not null check (kind in ('erasure', 'correction')),
        recipient text not null,
        recipient_ref text not null default '',
        categories text[] not null,
        orders text[] not null default '{}',
        disclosures uuid[] not null,
        actor_kind text not null,
        actor_id text not null
      );
      create index privacy_recipient_notices_subject_idx on privacy_recipient_notices (subject_id, at);
      create table privacy_notice_deliveries (
        notice_id uuid primary key references privacy_recipient_notices(id),
        delivered_at timestamptz not null,
        channel text not null check (channel in ('api', 'email', 'phone', 'post', 'portal', 'other')),
        delivered_by_kind text not null,
        delivered_by text not null
      );
      alter table privacy_items add column corrected_at timestamptz
      `,
    );
    for (const table of ['privacy_recipient_notices', 'privacy_notice_deliveries']) {
      await sql.raw(`create trigger ${table}_no_change before update or delete on ${table} for each row execute function privacy_refuse_change()`).execute(db);
      await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function privacy_refuse_change()`).execute(db);
    }
  },
});

// The DPO's review of consent entries staff recorded for a person (decision 0030): one
// append-only row per reviewed entry, confirmed or reversed; a reversal names the ledger entry
// that restored the earlier state. An entry recorded by staff with no row here is pending.
privacyMigrations.push({
  id: 'privacy/0004_consent_reviews',
  async up(db) {
    await runSql(
      db,
      `
      create table privacy_consent_reviews (
        consent_id bigint primary key references privacy_consents(id),
        decision text not null check (decision in ('confirmed', 'reversed')),
        decided_at timestamptz not null,
        decided_by text not null,
        reversal_id bigint references privacy_consents(id)
      );
      create index privacy_consent_reviews_reversal_idx on privacy_consent_reviews (reversal_id) where reversal_id is not null;
      create index privacy_consents_staff_idx on privacy_consents (id) where recorded_by_kind = 'staff'
      `,
    );
    await sql.raw(`create trigger privacy_consent_reviews_no_change before update or delete on privacy_consent_reviews for each row execute function privacy_refuse_change()`).execute(db);
    await sql.raw(`create trigger privacy_consent_reviews_no_truncate before truncate on privacy_consent_reviews for each statement execute function privacy_refuse_change()`).execute(db);
  },
});

// Every audit entry gets its number in the chain when its transaction commits (decision 0027): a
// deferred trigger takes the next value of one counter row and files the entry's pending marker
// under it. Numbers are gap-free (a rollback takes its number back), so an entry deleted before the
// sealer linked it leaves a hole that verify reports. Pending entries from before are numbered
// after the chain's head, in id order.
privacyMigrations.push({
  id: 'privacy/0005_audit_numbered_at_commit',
  async up(db) {
    await runSql(
      db,
      `
      create table privacy_audit_counter (
        singleton boolean primary key default true check (singleton),
        last bigint not null check (last >= 0)
      );
      alter table privacy_audit_pending add column seq bigint;
      update privacy_audit_pending p set seq = x.n
        from (select entry_id, (select coalesce(max(seq), 0) from privacy_audit_chain) + row_number() over (order by entry_id) as n from privacy_audit_pending) x
        where x.entry_id = p.entry_id;
      alter table privacy_audit_pending alter column seq set not null;
      alter table privacy_audit_pending add constraint privacy_audit_pending_seq_key unique (seq);
      insert into privacy_audit_counter (last)
        select greatest((select coalesce(max(seq), 0) from privacy_audit_pending), (select coalesce(max(seq), 0) from privacy_audit_chain))
      `,
    );
    await sql
      .raw(
        `create function privacy_audit_number() returns trigger language plpgsql as $$
        declare n bigint;
        begin
          update privacy_audit_counter set last = last + 1 returning last into n;
          insert into privacy_audit_pending (entry_id, seq) values (new.id, n);
          return null;
        end
        $$`,
      )
      .execute(db);
    await sql
      .raw(`create constraint trigger privacy_audit_log_number after insert on privacy_audit_log deferrable initially deferred for each row execute function privacy_audit_number()`)
      .execute(db);
  },
});

// The consent and disclosure ledgers (disclosures, approval requests, decisions) bound into the
// audit chain (decision 0027): rows written before their entries carried a digest get one
// `ledger.bind` entry each, made now from the row as it stands. Partial indexes let verify find
// each row's entry.
privacyMigrations.push({
  id: 'privacy/0006_ledgers_bound_into_the_chain',
  async up(db) {
    await runSql(
      db,
      `
      create index privacy_audit_log_consent_idx on privacy_audit_log (lower(detail->>'consent_id')) where detail ? 'row_digest';
      create index privacy_audit_log_disclosure_idx on privacy_audit_log (lower(detail->>'disclosure_id')) where detail ? 'row_digest';
      create index privacy_audit_log_approval_idx on privacy_audit_log (lower(detail->>'approval_id')) where detail ? 'row_digest'
      `,
    );
    await bindLegacyLedgerRows(db);
  },
});

// Inbound data (P003-04, decision 0049): an item received from a third party names the source the
// data map declares for it and the legal basis it was received on; null for data the shop
// collected itself. Neither is personal: they name a declared company and a basis.
privacyMigrations.push({
  id: 'privacy/0007_item_sources',
  async up(db) {
    await runSql(db, `alter table privacy_items add column source text, add column source_basis text`);
  },
});

// The categories a disclosure released (those the person held a value of), beside those it asked
// for (decision 0049). Null on rows written before: what they released was not recorded.
privacyMigrations.push({
  id: 'privacy/0008_disclosures_released',
  async up(db) {
    await runSql(db, `alter table privacy_disclosures add column released text[]`);
  },
});

// Opt-out preference signals (P000-19, decision 0051): a withdrawal a browser's Global Privacy
// Control or Do-Not-Track header made has its own channel in the consent ledger.
privacyMigrations.push({
  id: 'privacy/0009_consent_signal_channels',
  async up(db) {
    await runSql(
      db,
      `alter table privacy_consents drop constraint privacy_consents_channel_check;
      alter table privacy_consents add constraint privacy_consents_channel_check check (channel in ('web', 'email', 'phone', 'paper', 'in-person', 'gpc', 'dnt'))`,
    );
  },
});

// New uses (P001-08, P004-21, decision 0053): when each person was emailed the notice of a purpose
// that is new for data they already gave (once per person and purpose: the primary key). Pseudonymous,
// like the consent ledger it completes; kernel code only inserts. An opt-out window runs from `sent_at`.
privacyMigrations.push({
  id: 'privacy/0010_new_use_notices',
  async up(db) {
    await runSql(
      db,
      `create table privacy_new_use_notices (
        subject_id uuid not null,
        purpose text not null check (length(purpose) between 1 and 80),
        sent_at timestamptz not null,
        primary key (subject_id, purpose)
      )`,
    );
  },
});

// The retention engine's runs (decision 0065): when each began and ended, and per store how many
// rows it purged or anonymised, in how many batches, and whether it failed. Counts only.
privacyMigrations.push({
  id: 'privacy/0011_retention_runs',
  async up(db) {
    await runSql(
      db,
      `create table privacy_retention_runs (
        id bigint generated always as identity primary key,
        started_at timestamptz not null,
        finished_at timestamptz,
        outcome text not null default 'running' check (outcome in ('running', 'ok', 'failed')),
        stores jsonb not null default '[]'::jsonb
      )`,
    );
  },
});

// Audit entries numbered once per commit instead of once per entry (decision 0027, "One numbering
// per commit"): a row trigger notes each new entry's id in a transaction-local setting (a
// rolled-back savepoint takes its notes back with its rows), and the first deferred firing at
// commit takes all of the transaction's numbers from the counter in one update and files every
// noted entry's pending marker in one insert; the later firings find nothing noted. The counter
// row is still locked from that moment to the end of the commit, so numbers stay gap-free and in
// commit order. `collect` sorts before `number`: when the constraint is set immediate, an entry
// is noted before it is numbered. A setting is copied whole on each change, so the notes stop at
// 8,000 characters (some 700 ids): entries past them are numbered one by one at their own
// firings, after the noted ones, as before.
privacyMigrations.push({
  id: 'privacy/0012_audit_numbered_once_per_commit',
  async up(db) {
    // Entries an earlier migration of this same transaction wrote were never noted: they are
    // numbered now, the old way, before the new function replaces it.
    await sql.raw(`set constraints privacy_audit_log_number immediate`).execute(db);
    await sql
      .raw(
        `create function privacy_audit_collect() returns trigger language plpgsql as $$
        declare noted text;
        begin
          if current_setting('custodian.audit_overflow', true) = 'yes' then return null; end if;
          noted := nullif(current_setting('custodian.audit_unnumbered', true), '');
          if length(noted) > 8000 then
            perform set_config('custodian.audit_overflow', 'yes', true);
            return null;
          end if;
          perform set_config('custodian.audit_unnumbered', concat_ws(',', noted, new.id), true);
          return null;
        end
        $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create or replace function privacy_audit_number() returns trigger language plpgsql as $$
        declare ids bigint[]; n bigint;
        begin
          ids := string_to_array(nullif(current_setting('custodian.audit_unnumbered', true), ''), ',')::bigint[];
          if ids is not null then
            perform set_config('custodian.audit_unnumbered', '', true);
            perform set_config('custodian.audit_through', ids[cardinality(ids)]::text, true);
            update privacy_audit_counter set last = last + cardinality(ids) returning last into n;
            insert into privacy_audit_pending (entry_id, seq)
              select u.id, n - cardinality(ids) + u.i from unnest(ids) with ordinality as u(id, i);
          end if;
          if current_setting('custodian.audit_overflow', true) = 'yes'
            and new.id > coalesce(nullif(current_setting('custodian.audit_through', true), '')::bigint, 0) then
            perform set_config('custodian.audit_through', new.id::text, true);
            update privacy_audit_counter set last = last + 1 returning last into n;
            insert into privacy_audit_pending (entry_id, seq) values (new.id, n);
          end if;
          return null;
        end
        $$`,
      )
      .execute(db);
    await sql.raw(`create trigger privacy_audit_log_collect after insert on privacy_audit_log for each row execute function privacy_audit_collect()`).execute(db);
    await sql.raw(`set constraints privacy_audit_log_number deferred`).execute(db);
  },
});

// A disclosure names an approval only when it needed the DPO's approval, so
// nearly every disclosure put a null into the unique index on approval_id. The same uniqueness
// (nulls never collide) and the lookup of an approval's disclosure (an equality, so never null)
// with a partial index that holds only the set values (issue 18).
privacyMigrations.push({
  id: 'privacy/0013_disclosure_approval_index_without_nulls',
  async up(db) {
    await runSql(
      db,
      `create unique index privacy_disclosures_approval_idx on privacy_disclosures (approval_id) where approval_id is not null;
      alter table privacy_disclosures drop constraint privacy_disclosures_approval_id_key`,
    );
  },
});
