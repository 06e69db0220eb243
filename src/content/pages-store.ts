// Reading and changing the shop's pages. A change updates the page and records who and when in
// the same transaction (the caller's).
import { tablesOf, type Db } from '../platform/db/database.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { ContentPage, ContentTables } from './tables.ts';

const content = (db: Db) => tablesOf<ContentTables>(db);

export async function listPages(db: Db): Promise<ContentPage[]> {
  return content(db).selectFrom('content_pages').selectAll().orderBy('slug').execute();
}

export async function getPage(db: Db, slug: string): Promise<ContentPage | undefined> {
  return content(db).selectFrom('content_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export interface PageEdit {
  title: string;
  body: string;
}

/** Trims and checks an edit; errors name the form's field (`title`, `text`). */
export function checkEdit(input: { title?: string; body?: string }): PageEdit {
  const title = (input.title ?? '').trim();
  const body = (input.body ?? '').replace(/\r\n?/g, '\n').trim();
  const fields = [];
  if (title === '') fields.push({ field: 'title', message: 'is required' });
  if (body === '') fields.push({ field: 'text', message: 'is required' });
  if (fields.length) throw new AppError('VALIDATION_FAILED', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
  return { title, body };
}

export async function changePage(db: Db, slug: string, edit: PageEdit, by: { tag: string; role: string | null }, now: Date): Promise<void> {
  const updated = await content(db)
    .updateTable('content_pages')
    .set({ title: edit.title, body: edit.body, updated_at: now, updated_by: by.tag, updated_by_role: by.role })
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw notFound('This page');
  await content(db).insertInto('content_changes').values({ slug, title: edit.title, body: edit.body, changed_at: now, changed_by: by.tag, changed_by_role: by.role }).execute();
}

export async function changesOf(db: Db, slug: string, limit = 20) {
  return content(db)
    .selectFrom('content_changes')
    .select(['changed_at', 'changed_by', 'changed_by_role'])
    .where('slug', '=', slug)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
