import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const mediaMigrations: Migration[] = [
  {
    id: 'media/0001_images',
    up: (db) =>
      runSql(
        db,
        `
        create table media_images (
          id uuid primary key,
          width integer not null check (width > 0),
          height integer not null check (height > 0),
          widths integer[] not null check (cardinality(widths) between 1 and 8),
          created_at timestamptz not null default now()
        );
        `,
      ),
  },
];
