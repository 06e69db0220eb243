// The category tree as the storefront navigates it: roots in shelf order, each with its children.
import type { Category } from '../catalogue/index.ts';

export interface CategoryTree {
  roots: Category[];
  bySlug: Map<string, Category>;
  byId: Map<string, Category>;
  childrenOf(id: string): Category[];
  /** The category and its ancestors, root first. */
  pathTo(category: Category): Category[];
}

export function buildCategoryTree(categories: readonly Category[]): CategoryTree {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const bySlug = new Map(categories.map((c) => [c.slug, c]));
  const children = new Map<string, Category[]>();
  const roots: Category[] = [];
  // `categories` arrive ordered by position then name, so each list keeps that order.
  for (const c of categories) {
    if (c.parent_id === null || !byId.has(c.parent_id)) roots.push(c);
    else children.set(c.parent_id, [...(children.get(c.parent_id) ?? []), c]);
  }
  return {
    roots,
    bySlug,
    byId,
    childrenOf: (id) => children.get(id) ?? [],
    pathTo(category) {
      const path: Category[] = [];
      const seen = new Set<string>();
      for (let c: Category | undefined = category; c && !seen.has(c.id); c = c.parent_id ? byId.get(c.parent_id) : undefined) {
        seen.add(c.id);
        path.unshift(c);
      }
      return path;
    },
  };
}
