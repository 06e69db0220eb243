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
];
