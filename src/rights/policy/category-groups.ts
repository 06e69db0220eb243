// The data categories in groups a reader can take in. Groups are found by key prefix, so a
// category the data map adds later still appears: under its group, or under "Other data".
import type { Category } from '../../privacy/index.ts';

const groups: readonly { title: string; prefixes: readonly string[] }[] = [
  { title: 'Who you are and how to reach you', prefixes: ['user.name', 'user.contact'] },
  { title: 'Your account and your choices', prefixes: ['user.authorization', 'user.demographic', 'user.privacy'] },
  { title: 'What you buy and what you write to us', prefixes: ['user.behavior', 'user.content'] },
  { title: 'Payment and credit', prefixes: ['user.payment', 'user.financial'] },
  { title: 'Services you use from us', prefixes: ['user.telecom', 'user.location'] },
  { title: 'Security and fraud checks', prefixes: ['user.device', 'user.government_id'] },
];

export interface CategoryGroup {
  title: string;
  categories: Category[];
}

/** Every category exactly once, in the groups above (in map order within a group); empty groups left out. */
export function groupCategories(categories: Iterable<Category>): CategoryGroup[] {
  const found: CategoryGroup[] = groups.map((g) => ({ title: g.title, categories: [] }));
  const other: CategoryGroup = { title: 'Other data', categories: [] };
  for (const category of categories) {
    const index = groups.findIndex((g) => g.prefixes.some((p) => category.key.startsWith(p)));
    (found[index] ?? other).categories.push(category);
  }
  return [...found, other].filter((g) => g.categories.length > 0);
}
