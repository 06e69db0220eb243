// Row types of the content module's tables: the shop's own pages and every change made to them.
// Who changed a page is a pseudonymous actor tag (`staff:<id>`, `system:install`), never a name.
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface ContentPageTable {
  slug: string;
  title: string;
  /** Plain text: paragraphs separated by a blank line, list items starting with "- ". */
  body: string;
  updated_at: Timestamp;
  updated_by: string;
  updated_by_role: string | null;
}

export interface ContentChangeTable {
  id: Generated<string>;
  slug: string;
  title: string;
  body: string;
  changed_at: Timestamp;
  changed_by: string;
  changed_by_role: string | null;
}

export interface ContentTables {
  content_pages: ContentPageTable;
  content_changes: ContentChangeTable;
}

export type ContentPage = Selectable<ContentPageTable>;
export type ContentChange = Selectable<ContentChangeTable>;
