// Verifies that every row of the consent and disclosure ledgers (disclosures, approval requests and
// the DPO's decisions) is the row its audit entry recorded (decision 0027): the entry written with
// the row carries the row's digest, and the entry is chained. A row changed, added without its
// entry, or deleted from under its entry is reported.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { boundLedgers, type BoundLedger } from './ledger-digest.ts';

export interface LedgerProblem {
  entryId: number | null;
  problem: string;
}

interface Bound {
  bound_key: string;
  entry_id: number | null;
  digest: string | null;
}

/** The row key an entry names, as the partial indexes of migration privacy/0006 hold it (keys are code constants). */
export const detailOf = (ledger: BoundLedger) => sql.raw(`lower(e.detail->>'${ledger.detailKey}')`);

/** The entries that bind rows of `ledger`: its own actions, or a `ledger.bind` naming it. */
export function bindingEntries(ledger: BoundLedger) {
  return sql`e.detail ? 'row_digest' and e.detail ? ${ledger.detailKey}::text
    and (e.action = any(${[...ledger.actions]}::text[]) or (e.action = 'ledger.bind' and e.detail->>'ledger' = ${ledger.name}))`;
}

async function checkLedger(db: Db, ledger: BoundLedger): Promise<LedgerProblem | null> {
  const key = sql.raw(`t.${ledger.column}`);
  const { rows } = await sql<Record<string, unknown> & Bound>`
    select t.*, ${key}::text as bound_key, e.id as entry_id, e.detail->>'row_digest' as digest
    from ${sql.raw(ledger.table)} t left join privacy_audit_log e
      on ${bindingEntries(ledger)} and ${detailOf(ledger)} = ${key}::text
    order by ${key}`.execute(db);
  const groups = new Map<string, (Record<string, unknown> & Bound)[]>();
  for (const row of rows) groups.set(row.bound_key, [...(groups.get(row.bound_key) ?? []), row]);
  for (const [id, group] of groups) {
    const label = `${ledger.label} ${id}`;
    const bound = group.filter((r) => r.entry_id !== null);
    if (bound.length === 0) return { entryId: null, problem: `${label} has no audit entry binding it into the chain (added behind the kernel's back)` };
    const digest = ledger.digest(group[0] as never);
    const wrong = bound.find((r) => r.digest !== digest);
    if (wrong) return { entryId: Number(wrong.entry_id), problem: `${label} differs from what its audit entry recorded (the ledger row was changed)` };
  }
  const { rows: gone } = await sql<{ id: number; key: string }>`
    select e.id, ${detailOf(ledger)} as key from privacy_audit_log e
    where ${bindingEntries(ledger)}
      and not exists (select 1 from ${sql.raw(ledger.table)} t where ${key}::text = ${detailOf(ledger)})
    order by e.id limit 1`.execute(db);
  if (gone[0]) return { entryId: Number(gone[0].id), problem: `${ledger.label} ${gone[0].key}, recorded by this audit entry, is gone from its ledger (deleted)` };
  return null;
}

export async function verifyLedgers(db: Db): Promise<LedgerProblem | null> {
  for (const ledger of boundLedgers) {
    const problem = await checkLedger(db, ledger);
    if (problem) return problem;
  }
  return null;
}
