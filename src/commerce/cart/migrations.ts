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
];
