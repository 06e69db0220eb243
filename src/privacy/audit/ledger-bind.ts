// Binds ledger rows written before ledgers were bound into the chain (migration privacy/0005):
// one `ledger.bind` entry per row, carrying the row's digest as it stands at the upgrade.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { systemActor } from '../actors.ts';
import { appendAudit } from './append.ts';
import type { AuditEntry } from './entry.ts';
import { consentDigest, disclosureDigest, type ConsentRowContent, type DisclosureRowContent } from './ledger-digest.ts';

const actor = systemActor('privacy.migrate');

export async function bindLegacyLedgerRows(db: Db): Promise<number> {
  const { rows: consents } = await sql<ConsentRowContent & { id: number }>`
    select c.* from privacy_consents c
    where not exists (select 1 from privacy_audit_log e where e.detail ? 'row_digest' and e.detail->>'consent_id' = c.id::text)
    order by c.id`.execute(db);
  const { rows: disclosures } = await sql<DisclosureRowContent>`
    select d.* from privacy_disclosures d
    where not exists (select 1 from privacy_audit_log e where e.detail ? 'row_digest' and e.detail->>'disclosure_id' = d.id::text)
    order by d.at, d.id`.execute(db);
  const entries: AuditEntry[] = [
    ...consents.map((c) => ({ actor, action: 'ledger.bind' as const, outcome: 'ok' as const, subjectId: c.subject_id, detail: { ledger: 'consents', consent_id: Number(c.id), row_digest: consentDigest(c) } })),
    ...disclosures.map((d) => ({ actor, action: 'ledger.bind' as const, outcome: 'ok' as const, subjectId: d.subject_id, detail: { ledger: 'disclosures', disclosure_id: d.id, row_digest: disclosureDigest(d) } })),
  ];
  const at = new Date();
  for (let i = 0; i < entries.length; i += 500) await appendAudit(db, entries.slice(i, i + 500), at);
  return entries.length;
}
