import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

export const deliveryMigrations: Migration[] = [
  {
    id: 'delivery/0001_licence_keys',
    up: (db) =>
      runSql(
        db,
        `
        create table delivery_keys (
          id uuid primary key,
          variant_id uuid not null,
          digest bytea not null unique,
          sealed bytea not null,
          hint text not null check (length(hint) between 1 and 8),
          state text not null default 'available' check (state in ('available', 'assigned', 'revoked')),
          order_id uuid,
          line_position integer,
          uploaded_by text not null check (length(uploaded_by) between 1 and 100),
          uploaded_at timestamptz not null default now(),
          assigned_at timestamptz,
          revoked_at timestamptz,
          check ((state = 'available') = (order_id is null)),
          check ((order_id is null) = (line_position is null))
        );
        create index delivery_keys_available on delivery_keys (variant_id, uploaded_at) where state = 'available';
        create index delivery_keys_order on delivery_keys (order_id) where order_id is not null;
        create table delivery_waiting (
          order_id uuid primary key,
          since timestamptz not null default now()
        );
        `,
      ),
  },
  {
    id: 'delivery/0002_downloads',
    up: (db) =>
      runSql(
        db,
        `
        create table delivery_files (
          id uuid primary key,
          variant_id uuid not null unique,
          name text not null check (length(name) between 1 and 200),
          size_bytes integer not null check (size_bytes > 0),
          uploaded_by text not null check (length(uploaded_by) between 1 and 100),
          uploaded_at timestamptz not null default now()
        );
        create table delivery_downloads (
          id uuid primary key,
          order_id uuid not null,
          line_position integer not null,
          variant_id uuid not null,
          state text not null default 'valid' check (state in ('valid', 'revoked')),
          granted_at timestamptz not null default now(),
          revoked_at timestamptz,
          check ((state = 'revoked') = (revoked_at is not null))
        );
        create index delivery_downloads_order on delivery_downloads (order_id, line_position);
        create table delivery_waiting_variants (
          order_id uuid not null,
          variant_id uuid not null,
          missing integer not null check (missing > 0),
          primary key (order_id, variant_id)
        );
        create index delivery_waiting_variants_variant on delivery_waiting_variants (variant_id);
        `,
      ),
  },
];
