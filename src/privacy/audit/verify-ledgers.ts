// Verifies that every row of the consent and disclosure ledgers is the row its audit entry
// recorded (decision 0027): the entry written with the row carries the row's digest, and the entry
// is chained. A row changed, added without its entry, or deleted from under its entry is reported.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { consentDigest, disclosureDigest, type ConsentRowContent, type DisclosureRowContent } from './ledger-digest.ts';

export interface LedgerProblem {
  entryId: number | null;
  problem: string;
}

interface Bound {
  entry_id: number | null;
  digest: string | null;
}

function check(rows: readonly Bound[], label: string, digestOf: () => string): LedgerProblem | null {
  const bound = rows.filter((r) => r.entry_id !== null);
  if (bound.length === 0) return { entryId: null, problem: `${label} has no audit entry binding it into the chain (added behind the kernel's back)` };
  const digest = digestOf();
  const wrong = bound.find((r) => r.digest !== digest);
  return wrong ? { entryId: Number(wrong.entry_id), problem: `${label} differs from what its audit entry recorded (the ledger row was changed)` } : null;
}

function grouped<T extends { id: string | number }>(rows: readonly (T & Bound)[]): Map<string, (T & Bound)[]> {
  const groups = new Map<string, (T & Bound)[]>();
  for (const row of rows) {
    const key = String(row.id);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

export async function verifyLedgers(db: Db): Promise<LedgerProblem | null> {
  const { rows: consents } = await sql<ConsentRowContent & Bound & { id: number }>`
    select c.*, e.id as entry_id, e.detail->>'row_digest' as digest
    from privacy_consents c left join privacy_audit_log e
      on e.detail ? 'row_digest' and e.detail->>'consent_id' = c.id::text and e.action in ('consent.grant', 'consent.withdraw', 'ledger.bind')
    order by c.id`.execute(db);
  for (const [id, rows] of grouped(consents)) {
    const problem = check(rows, `consent ${id}`, () => consentDigest(rows[0]!));
    if (problem) return problem;
  }
  const { rows: disclosures } = await sql<DisclosureRowContent & Bound>`
    select d.*, e.id as entry_id, e.detail->>'row_digest' as digest
    from privacy_disclosures d left join privacy_audit_log e
      on e.detail ? 'row_digest' and e.detail->>'disclosure_id' = d.id::text and e.action in ('disclosure', 'ledger.bind')
    order by d.at, d.id`.execute(db);
  for (const [id, rows] of grouped(disclosures)) {
    const problem = check(rows, `disclosure ${id}`, () => disclosureDigest(rows[0]!));
    if (problem) return problem;
  }
  const { rows: gone } = await sql<{ id: number; ledger: string }>`
    select e.id, case when e.detail ? 'consent_id' then 'consent ' || (e.detail->>'consent_id') else 'disclosure ' || (e.detail->>'disclosure_id') end as ledger
    from privacy_audit_log e
    where e.detail ? 'row_digest'
      and ((e.detail ? 'consent_id' and not exists (select 1 from privacy_consents c where c.id::text = e.detail->>'consent_id'))
        or (e.detail ? 'disclosure_id' and not exists (select 1 from privacy_disclosures d where d.id::text = e.detail->>'disclosure_id')))
    order by e.id limit 1`.execute(db);
  if (gone[0]) return { entryId: Number(gone[0].id), problem: `${gone[0].ledger}, recorded by this audit entry, is gone from its ledger (deleted)` };
  return null;
}
