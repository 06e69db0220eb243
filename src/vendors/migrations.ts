// The vendors module's tables (issue 14): the data-use terms (versioned; the first version is in
// force from the start), their acceptances and vendor suspensions.
import { tablesOf } from '../platform/db/database.ts';
import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';
import { FIRST_TERMS } from './first-terms.ts';
import type { VendorsTables } from './tables.ts';

export const vendorsMigrations: Migration[] = [
  {
    id: 'vendors/0001_terms_and_suspensions',
    up: async (db) => {
      await runSql(
        db,
        `
        create table vendors_terms (
          version integer primary key check (version >= 1),
          body text not null check (length(body) between 1 and 20000),
          published_at timestamptz not null,
          published_by text not null
        );
        create table vendors_terms_acceptances (
          id bigint generated always as identity primary key,
          version integer not null references vendors_terms(version),
          vendor_id uuid not null,
          user_id uuid,
          user_subject uuid,
          accepted_at timestamptz not null
        );
        create unique index vendors_terms_acceptances_user_idx on vendors_terms_acceptances (user_id, version) where user_id is not null;
        create index vendors_terms_acceptances_subject_idx on vendors_terms_acceptances (user_subject) where user_subject is not null;
        create table vendors_suspensions (
          id bigint generated always as identity primary key,
          vendor_id uuid not null,
          suspended_at timestamptz not null,
          suspended_by text not null,
          reinstated_at timestamptz,
          reinstated_by text,
          check ((reinstated_at is null) = (reinstated_by is null))
        );
        create unique index vendors_suspensions_open_idx on vendors_suspensions (vendor_id) where reinstated_at is null;
        `,
      );
      await tablesOf<VendorsTables>(db).insertInto('vendors_terms').values({ version: 1, body: FIRST_TERMS, published_at: new Date(), published_by: 'system:install' }).execute();
    },
  },
];
