// Previous / next and numbered pages, as plain links. The current page is aria-current.
import { html, type SafeHtml } from './template.ts';

export interface PaginationSpec {
  /** 1-based; clamped into 1..pageCount. */
  page: number;
  pageCount: number;
  href: (page: number) => string;
  /** Pages shown either side of the current one. Default 2. */
  around?: number;
}

/** The pages to show: the first, the last and `around` either side of the current, with null for a gap. */
export function pageWindow(page: number, pageCount: number, around = 2): (number | null)[] {
  const out: (number | null)[] = [];
  for (let n = 1; n <= pageCount; n++) {
    if (n === 1 || n === pageCount || Math.abs(n - page) <= around) out.push(n);
    else if (out.at(-1) !== null) out.push(null);
  }
  return out;
}

export function pagination(spec: PaginationSpec): SafeHtml | '' {
  const count = Math.max(0, Math.floor(spec.pageCount));
  if (count <= 1) return '';
  const page = Math.min(Math.max(1, Math.floor(spec.page) || 1), count);
  const items = pageWindow(page, count, spec.around).map((n) =>
    n === null
      ? html`<li class="gap" aria-hidden="true">…</li>`
      : n === page
        ? html`<li><a href="${spec.href(n)}" aria-current="page">${n}</a></li>`
        : html`<li><a href="${spec.href(n)}">${n}</a></li>`,
  );
  return html`<nav class="pagination" aria-label="Pages">
${page > 1 ? html`<a rel="prev" href="${spec.href(page - 1)}">Previous</a>` : ''}
<ol>${items}</ol>
${page < count ? html`<a rel="next" href="${spec.href(page + 1)}">Next</a>` : ''}
</nav>`;
}

/** The query schema of a paginated page: `?page=N`, a whole number from 1 (a bad one is refused naming `page`). */
export const pageParam = { page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 } } as const;
export const pageQuery = {
  type: 'object',
  properties: pageParam,
  additionalProperties: false,
} as const;

export interface PageSlice<T> {
  items: T[];
  page: number;
  pageCount: number;
}

/** One page of a list already read in order (a page past the end shows the last). */
export function pageOf<T>(all: readonly T[], page: number, perPage: number): PageSlice<T> {
  const pageCount = Math.max(1, Math.ceil(all.length / perPage));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
  return { items: all.slice((p - 1) * perPage, p * perPage), page: p, pageCount };
}

/**
 * Where one page of `total` rows starts, for a list paged in its query (limit/offset): the page
 * clamped into 1..pageCount (a page past the end shows the last) and the offset of its first row.
 */
export function pageAt(total: number, page: number, perPage: number): { page: number; pageCount: number; offset: number; limit: number } {
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
  return { page: p, pageCount, offset: (p - 1) * perPage, limit: perPage };
}
