import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const brandMigrations: Migration[] = [
  {
    id: 'brand/0001_settings',
    up: (db) =>
      runSql(
        db,
        `
        create table brand_settings (
          id integer primary key check (id = 1),
          primary_colour text not null check (primary_colour ~ '^#[0-9a-f]{6}$'),
          accent_colour text not null check (accent_colour ~ '^#[0-9a-f]{6}$'),
          logo_image_id uuid,
          logo_alt text check (logo_alt is null or length(btrim(logo_alt)) between 1 and 300),
          logo_width integer,
          logo_height integer,
          logo_widths integer[],
          updated_at timestamptz not null default now(),
          check ((logo_image_id is null) = (logo_alt is null))
        );
        `,
      ),
  },
];
