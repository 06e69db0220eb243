// Binds ledger rows written before ledgers were bound into the chain (migration privacy/0006):
// one `ledger.bind` entry per row, carrying the row's digest as it stands at the upgrade.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { systemActor } from '../actors.ts';
import { appendAudit } from './append.ts';
import type { AuditEntry } from './entry.ts';
import { boundLedgers } from './ledger-digest.ts';
import { bindingEntries, detailOf } from './verify-ledgers.ts';

const actor = systemActor('privacy.migrate');

export async function bindLegacyLedgerRows(db: Db): Promise<number> {
  const entries: AuditEntry[] = [];
  for (const ledger of boundLedgers) {
    const key = sql.raw(`t.${ledger.column}`);
    const { rows } = await sql<Record<string, unknown> & { bound_key: string }>`
      select t.*, ${key}::text as bound_key from ${sql.raw(ledger.table)} t
      where not exists (select 1 from privacy_audit_log e where ${bindingEntries(ledger)} and ${detailOf(ledger)} = ${key}::text)
      order by ${key}`.execute(db);
    for (const row of rows) {
      const id = ledger.detailKey === 'consent_id' ? Number(row.bound_key) : row.bound_key;
      entries.push({ actor, action: 'ledger.bind', outcome: 'ok', detail: { ledger: ledger.name, [ledger.detailKey]: id, row_digest: ledger.digest(row as never) } });
    }
  }
  const at = new Date();
  for (let i = 0; i < entries.length; i += 500) await appendAudit(db, entries.slice(i, i + 500), at);
  return entries.length;
}
