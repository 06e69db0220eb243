// The vendors module's tables (issue 14): the data-use terms (versioned; the first version is in
// force from the start), their acceptances and vendor suspensions.
import { tablesOf } from '../platform/db/database.ts';
import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';
import type { VendorsTables } from './tables.ts';

// The first version of the terms, in force from the start (seed 000: buyer data may be used only to
// fill the order and to support the buyer). Kept here, in the migration, so it never changes under
// a database that has it; the owner publishes later versions at /staff/vendors/terms.
const FIRST_TERMS = `When a buyer orders one of your products, this shop shares with you the buyer's name, address, phone number and email address for that order, and nothing else. You never receive card or bank details.

You may use buyer data only to fill the order and to support the buyer, that is:

- to fill the order (deliver the product, issue the licence, ship the goods), and
- to give the buyer support for the product they bought (technical help, questions about the order).

You may not:

- use them for any other purpose, such as marketing, newsletters, surveys or mailing lists;
- share them with, sell them to or let them be used by anyone else;
- keep them longer than filling the order and supporting the buyer needs.

Keep the details as safe as this shop does: only the people who fill the order or support the buyer may see them, and an export you download is kept secure and deleted when it is no longer needed.

Every time you view an order's buyer details or export them, this shop records it: which order, which fields, when and for which vendor. The buyer can see that their details were shared with you.

A vendor that uses buyer data for anything else is suspended at once and its account with this shop is terminated.`;

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
  {
    id: 'vendors/0002_webhooks',
    up: async (db) => {
      await runSql(
        db,
        `
        create table vendors_webhooks (
          vendor_id uuid primary key,
          url text not null check (length(url) between 10 and 2000),
          secret_salt bytea not null check (length(secret_salt) = 32),
          secret_at timestamptz not null,
          updated_at timestamptz not null
        );
        create table vendors_webhook_events (
          id uuid primary key,
          vendor_id uuid not null,
          order_id uuid not null,
          order_number text not null,
          event text not null check (event in ('order.paid', 'order.shipped', 'order.cancelled', 'order.refunded')),
          transition_id uuid not null,
          created_at timestamptz not null,
          state text not null default 'pending' check (state in ('pending', 'delivered', 'failed', 'skipped')),
          unique (vendor_id, transition_id)
        );
        create index vendors_webhook_events_vendor_idx on vendors_webhook_events (vendor_id, created_at desc);
        create table vendors_webhook_deliveries (
          id bigint generated always as identity primary key,
          event_id uuid not null references vendors_webhook_events(id),
          vendor_id uuid not null,
          attempt integer not null check (attempt >= 1),
          at timestamptz not null,
          outcome text not null check (outcome in ('delivered', 'failed', 'skipped')),
          status_code integer,
          duration_ms integer,
          detail text not null check (length(detail) <= 200),
          disclosure_id uuid
        );
        create index vendors_webhook_deliveries_vendor_idx on vendors_webhook_deliveries (vendor_id, at desc, id desc);
        create index vendors_webhook_deliveries_event_idx on vendors_webhook_deliveries (event_id);
        `,
      );
    },
  },
];
