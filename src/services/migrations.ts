import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const servicesMigrations: Migration[] = [
  {
    id: 'services/0001_registrations_contacts_devices_events',
    up: (db) =>
      runSql(
        db,
        `
        create table services_registrations (
          id uuid primary key,
          customer_subject uuid not null,
          product_id uuid,
          service_name text not null check (length(service_name) between 1 and 300),
          equipment_model text not null check (length(equipment_model) between 1 and 100),
          equipment_serial text not null check (length(equipment_serial) between 1 and 100),
          sensors integer not null check (sensors between 1 and 10000),
          created_at timestamptz not null
        );
        create index services_registrations_customer_idx on services_registrations (customer_subject, created_at);
        create table services_contacts (
          id uuid primary key,
          registration_id uuid not null references services_registrations (id) on delete cascade,
          contact_subject uuid unique,
          added_at timestamptz not null,
          left_at timestamptz,
          left_how text check (left_how in ('customer', 'self', 'erased')),
          check ((contact_subject is null) = (left_at is not null)),
          check ((left_at is null) = (left_how is null))
        );
        create index services_contacts_registration_idx on services_contacts (registration_id, added_at);
        create table services_devices (
          id uuid primary key,
          registration_id uuid not null unique references services_registrations (id) on delete cascade,
          key_digest bytea not null,
          key_set_at timestamptz not null,
          rate_window timestamptz,
          rate_count integer not null default 0 check (rate_count >= 0),
          created_at timestamptz not null
        );
        create table services_events (
          id uuid primary key,
          device_id uuid not null references services_devices (id) on delete cascade,
          type text not null check (length(type) between 1 and 60),
          severity text not null check (severity in ('info', 'warning', 'alert')),
          reading double precision,
          unit text check (length(unit) <= 16),
          occurred_at timestamptz not null,
          received_at timestamptz not null
        );
        create index services_events_device_idx on services_events (device_id, occurred_at desc, id)
        `,
      ),
  },
];
