// The fideslang default taxonomy (data categories, data uses, data subjects), read from the copy
// shipped next to this file (CC BY 4.0, Ethyca/fideslang). The data map and the fides export may
// only use these keys or keys the data map declares as extensions.
import { readFileSync } from 'node:fs';

export interface Taxonomy {
  dataCategories: ReadonlySet<string>;
  dataUses: ReadonlySet<string>;
  dataSubjects: ReadonlySet<string>;
}

const sections = {
  '## DATA CATEGORIES': 'dataCategories',
  '## DATA USES': 'dataUses',
  '## DATA SUBJECTS': 'dataSubjects',
} as const;

export function parseTaxonomy(text: string): Taxonomy {
  const sets = { dataCategories: new Set<string>(), dataUses: new Set<string>(), dataSubjects: new Set<string>() };
  let current: keyof typeof sets | null = null;
  for (const line of text.split('\n')) {
    const heading = Object.entries(sections).find(([prefix]) => line.startsWith(prefix));
    if (heading) {
      current = heading[1];
      continue;
    }
    if (!line.trim() || line.startsWith('#') || !current) continue;
    const [key, , flags] = line.split('\t');
    // Deprecated keys stay valid in fideslang, but we do not use them in new declarations.
    if (key && !(flags ?? '').includes('DEPRECATED')) sets[current].add(key.trim());
  }
  return sets;
}

let cached: Taxonomy | null = null;

export function fideslangTaxonomy(): Taxonomy {
  cached ??= parseTaxonomy(readFileSync(new URL('./fideslang-taxonomy.txt', import.meta.url), 'utf8'));
  return cached;
}
