// What a module declares of its stored data that expires (decision 0065). A module does not sweep
// its own rows on its own clock with its own period: it declares each store (a table, or a part of
// one) as a `RetentionStore` on its Module: which data-map category it holds, for which purpose,
// and how to purge (or anonymise) up to `limit` rows older than a cutoff. The kernel's retention
// engine (engine.ts, the `privacy.sweep` job) reads the period from the data map, computes the
// cutoff, and calls `purge` batch after batch, each batch in its own short transaction.
import type { Db } from '../../platform/db/database.ts';
import type { DataMap } from '../datamap/types.ts';
import type { PrivacyKernel } from '../kernel.ts';

declare module '../../platform/module.ts' {
  interface Module {
    /** This module's stores of data that expires; the kernel's retention engine purges them (src/privacy/retention/stores.ts). */
    retention?: readonly RetentionStore[];
  }
  interface Wiring {
    /** Every module's retention stores, with the module's name (missing in tests that need none). */
    retention?: readonly NamedRetentionStore[];
  }
}

/** What a store's `purge` is given: the batch's transaction, the kernel, and the run's clock. */
export interface RetentionContext {
  db: Db;
  kernel: PrivacyKernel;
  now: Date;
}

export interface RetentionStore {
  /** `<module>.<what>`, unique: the name runs and the staff page show. */
  name: string;
  /** What is kept there, in a few words for the privacy officer. */
  description: string;
  /** The data-map category and purpose its period is read under (datamap/retention.yml). */
  category: string;
  purpose: string;
  /** `purge` deletes rows; `anonymise` cuts the person from rows that must stay (accounting). */
  action: 'purge' | 'anonymise';
  /**
   * Required when no rule of the map names this purpose (or this category with any purpose): why
   * the map's default period is the right one. A test checks it.
   */
  defaultReason?: string;
  /**
   * Purges or anonymises at most `limit` rows whose time counted for retention is before `cutoff`;
   * returns how many. Runs in its own transaction (`ctx.db`): keep it short, lock only the rows it
   * changes. Idempotent: the engine calls it again until it returns less than `limit`.
   */
  purge(ctx: RetentionContext, cutoff: Date, limit: number): Promise<number>;
}

export interface NamedRetentionStore extends RetentionStore {
  module: string;
}

export function retentionStoresOf(modules: readonly { name: string; retention?: readonly RetentionStore[] }[]): NamedRetentionStore[] {
  return modules.flatMap((m) => (m.retention ?? []).map((s) => ({ ...s, module: m.name })));
}

/** Whether a rule of the map names this store's purpose (or its category under any purpose), or only the map's default applies. */
export function ruleOf(map: DataMap, store: Pick<RetentionStore, 'category' | 'purpose'>): 'rule' | 'default' {
  const rules = map.retention.rules;
  const named = rules.some((r) => r.purpose === store.purpose && (r.category === store.category || r.category === '*')) || rules.some((r) => r.category === store.category && r.purpose === '*');
  return named ? 'rule' : 'default';
}
