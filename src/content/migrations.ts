import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';
import { tablesOf } from '../platform/db/database.ts';
import { PAGE_SLUGS, firstTexts } from './first-texts.ts';
import type { ContentTables } from './tables.ts';

export const contentMigrations: Migration[] = [
  {
    id: 'content/0001_pages',
    up: async (db) => {
      await runSql(
        db,
        `
        create table content_pages (
          slug text primary key check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
          title text not null check (length(title) between 1 and 200),
          body text not null check (length(body) between 1 and 20000),
          updated_at timestamptz not null,
          updated_by text not null,
          updated_by_role text
        );
        create table content_changes (
          id bigint generated always as identity primary key,
          slug text not null references content_pages(slug) on delete cascade,
          title text not null,
          body text not null,
          changed_at timestamptz not null,
          changed_by text not null,
          changed_by_role text
        );
        create index content_changes_slug_idx on content_changes (slug, changed_at desc);
        `,
      );
      const now = new Date();
      const rows = PAGE_SLUGS.map((slug) => ({ slug, ...firstTexts[slug], updated_at: now, updated_by: 'system:install', updated_by_role: null }));
      const content = tablesOf<ContentTables>(db);
      await content.insertInto('content_pages').values(rows).execute();
      await content
        .insertInto('content_changes')
        .values(rows.map(({ slug, title, body }) => ({ slug, title, body, changed_at: now, changed_by: 'system:install', changed_by_role: null })))
        .execute();
    },
  },
];
