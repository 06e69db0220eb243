// The promise catalogue (src/rights/promises.yml): every promise of the seed policies, how Custodian
// keeps it, the live figures that show it and how far it is kept. Loaded and checked once at start:
// a catalogue with any problem stops the shop with every problem listed.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parsedOnce } from '../../platform/parse-once.ts';

import { AppError } from '../../platform/errors.ts';

const parseYaml = (text: string): unknown => parse(text);

export const promiseStatuses = ['kept', 'partial', 'not yet'] as const;
export type PromiseStatus = (typeof promiseStatuses)[number];

export interface PolicyPromise {
  id: string;
  /** The seed policy it comes from: the number in its id. */
  seed: string;
  promise: string;
  outcome: string;
  status: PromiseStatus;
  mechanism: string;
  /** What the outcome still lacks (partial and not yet). */
  missing: string | null;
  /** The roadmap step that brings the rest (partial and not yet). */
  roadmap: number | null;
  evidence: string[];
}

export interface PromiseCatalogue {
  seeds: ReadonlyMap<string, string>;
  roadmap: ReadonlyMap<number, string>;
  /** In catalogue order, which is seed then number. */
  promises: readonly PolicyPromise[];
}

export const catalogueFile = new URL('../promises.yml', import.meta.url);

export class PromiseCatalogueInvalid extends AppError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('CONFIG_INVALID', `The promise catalogue (src/rights/promises.yml) is not valid:\n- ${problems.join('\n- ')}`);
    this.name = 'PromiseCatalogueInvalid';
    this.problems = problems;
  }
}

const ID = /^P(\d{3})-\d{2}$/;
const fields = ['id', 'promise', 'outcome', 'status', 'mechanism', 'missing', 'roadmap', 'evidence'];

const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Parses and checks the catalogue's text; `evidenceProblem` says what is wrong with an evidence key, if anything. */
export function parseCatalogue(source: string, evidenceProblem: (key: string) => string | null): PromiseCatalogue {
  const problems: string[] = [];
  const doc = parsedOnce(source, parseYaml) as { roadmap?: Record<string, unknown>; seeds?: Record<string, unknown>; promises?: unknown[] } | null;
  const seeds = new Map(Object.entries(doc?.seeds ?? {}).filter((e): e is [string, string] => text(e[1])));
  const roadmap = new Map(Object.entries(doc?.roadmap ?? {}).flatMap(([step, title]) => (text(title) ? [[Number(step), title] as [number, string]] : [])));
  if (seeds.size === 0) problems.push('seeds: name each seed policy with its title');
  if (roadmap.size === 0) problems.push('roadmap: name each roadmap step with its title');
  const promises: PolicyPromise[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of (Array.isArray(doc?.promises) ? doc.promises : []).entries()) {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const where = `promises[${index}]${typeof entry.id === 'string' ? ` (${entry.id})` : ''}`;
    const id = String(entry.id ?? '');
    const seed = ID.exec(id)?.[1];
    if (!seed) problems.push(`${where}: id must look like P000-01`);
    else if (!seeds.has(seed)) problems.push(`${where}: seed ${seed} is not among the seeds`);
    if (seen.has(id)) problems.push(`${where}: id appears twice`);
    seen.add(id);
    for (const key of Object.keys(entry)) if (!fields.includes(key)) problems.push(`${where}: unknown field ${key}`);
    for (const key of ['promise', 'outcome', 'mechanism'] as const) if (!text(entry[key])) problems.push(`${where}: ${key} must be a sentence`);
    const status = entry.status as PromiseStatus;
    if (!promiseStatuses.includes(status)) problems.push(`${where}: status must be one of ${promiseStatuses.join(', ')}`);
    const kept = status === 'kept';
    if (kept && (entry.missing !== undefined || entry.roadmap !== undefined)) problems.push(`${where}: a kept promise has no missing part and no roadmap step`);
    if (!kept && !text(entry.missing)) problems.push(`${where}: say what is missing`);
    if (!kept && !roadmap.has(Number(entry.roadmap))) problems.push(`${where}: roadmap must be the number of a roadmap step`);
    const evidence = Array.isArray(entry.evidence) ? entry.evidence.map(String) : [];
    if (!Array.isArray(entry.evidence)) problems.push(`${where}: evidence must be a list (empty when nothing is counted)`);
    for (const key of evidence) {
      const problem = evidenceProblem(key);
      if (problem) problems.push(`${where}: evidence ${key}: ${problem}`);
    }
    promises.push({
      id,
      seed: seed ?? '',
      promise: String(entry.promise ?? ''),
      outcome: String(entry.outcome ?? ''),
      status,
      mechanism: String(entry.mechanism ?? ''),
      missing: kept ? null : String(entry.missing ?? ''),
      roadmap: kept ? null : Number(entry.roadmap),
      evidence,
    });
  }
  if (promises.length === 0) problems.push('promises: the catalogue lists no promise');
  if (problems.length) throw new PromiseCatalogueInvalid(problems);
  return { seeds, roadmap, promises };
}

export function loadCatalogue(evidenceProblem: (key: string) => string | null): PromiseCatalogue {
  return parseCatalogue(readFileSync(catalogueFile, 'utf8'), evidenceProblem);
}
