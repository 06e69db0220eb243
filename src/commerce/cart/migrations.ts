import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

export const cartMigrations: Migration[] = [
  {
    id: 'cart/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create table cart_carts (
          id uuid primary key default gen_random_uuid(),
          token_hash bytea not null unique check (length(token_hash) = 32),
          created_at timestamptz not null default now(),
          expires_at timestamptz not null
        );
        create index cart_carts_expiry_idx on cart_carts (expires_at);
        -- variant_id names a catalogue variant; no foreign key across modules (a line whose
        -- variant is gone is shown as unavailable and can be removed).
        create table cart_lines (
          cart_id uuid not null references cart_carts(id) on delete cascade,
          variant_id uuid not null,
          quantity integer not null check (quantity between 1 and 99),
          added_at timestamptz not null default now(),
          primary key (cart_id, variant_id)
        );
        `,
      ),
  },
  {
    id: 'cart/0002_saved_lists',
    up: (db) =>
      runSql(
        db,
        `
        -- Saved baskets and gift lists: only who owns them (a kernel subject id), their kind and
        -- times. Names and contents are personal data (what someone buys, for whom) and live in the
        -- privacy kernel as user.behavior.purchase_history under the ref '<kind>:<id>'.
        create table cart_saved_lists (
          id uuid primary key default gen_random_uuid(),
          subject_id uuid not null,
          kind text not null check (kind in ('basket', 'gift')),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index cart_saved_lists_owner_idx on cart_saved_lists (subject_id, kind, created_at);
        `,
      ),
  },
];
