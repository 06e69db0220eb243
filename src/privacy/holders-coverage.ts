// Which tables keep rows keyed by a person, and whether a holder covers each: a column named
// `subject_id`, `user_id` or ending in `_subject` / `_user_id` marks a table as keyed by a person
// (the convention every module follows for relations to a kernel subject or an account). The
// erasure and the export reach only what holders declare, so a table that escapes them is a copy
// that would outlive an erasure.
import type { NamedHolder } from './holders.ts';

export interface PersonColumn {
  table: string;
  column: string;
}

/** Tables keyed by something that is not a person, with the reason; nothing else is exempt. */
export const notAPerson: Readonly<Record<string, string>> = {
  accounts_decoy: 'the decoy subject that unknown emails are checked against, linked to no account',
  privacy_subjects: 'the subjects themselves; the kernel shreds them',
};

export function isPersonColumn(column: string): boolean {
  return column === 'subject_id' || column === 'user_id' || column.endsWith('_subject') || column.endsWith('_user_id');
}

/** Every problem: a table keyed by a person that no holder declares, a declared table that does not exist, a holder with tables but no export or erase. */
export function holderCoverageProblems(columns: readonly PersonColumn[], holders: readonly NamedHolder[]): string[] {
  const problems: string[] = [];
  const declared = new Map<string, string>();
  for (const holder of holders) {
    for (const table of holder.tables) {
      const other = declared.get(table);
      if (other) problems.push(`${table} is declared by both ${other} and ${holder.module}`);
      declared.set(table, holder.module);
    }
    if (holder.tables.length && (!holder.export || (!holder.erase && !holder.unlink)))
      problems.push(`${holder.module} keeps ${holder.tables.join(', ')} but has no ${holder.export ? 'erase' : 'export'}`);
  }
  const keyed = new Set(columns.filter((c) => isPersonColumn(c.column)).map((c) => c.table));
  for (const table of [...keyed].sort()) {
    if (!declared.has(table) && !Object.hasOwn(notAPerson, table))
      problems.push(
        `${table} keeps rows keyed by a person (${columns
          .filter((c) => c.table === table && isPersonColumn(c.column))
          .map((c) => c.column)
          .join(', ')}) but no module's personalData declares it`,
      );
  }
  const existing = new Set(columns.map((c) => c.table));
  for (const [table, module] of declared) if (!existing.has(table)) problems.push(`${module} declares ${table}, which is not a table`);
  return problems;
}
