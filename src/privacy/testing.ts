// Test helpers: a kernel on a test database with its own keyring file and the demo data map.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { GENESIS, linkHash, type AuditRow } from './audit/chain.ts';
import { startKernel, type PrivacyKernel } from './kernel.ts';

export interface TestKernel {
  kernel: PrivacyKernel;
  keyringPath: string;
  /** Moves the kernel's clock (for policy versions and retention). */
  setNow(date: Date | null): void;
}

export async function testKernel(
  db: Db,
  options: { keyringPath?: string; anchorPath?: string; region?: string | null; reconcileErasures?: boolean; log?: Logger | null } = {},
): Promise<TestKernel> {
  const keyringPath = options.keyringPath ?? join(mkdtempSync(join(tmpdir(), 'custodian-keyring-')), 'keyring.json');
  let fixed: Date | null = null;
  const kernel = await startKernel({
    db,
    keyringPath,
    region: options.region ?? null,
    log: options.log ?? null,
    now: () => fixed ?? new Date(),
    ...(options.anchorPath !== undefined ? { anchorPath: options.anchorPath } : {}),
    ...(options.reconcileErasures !== undefined ? { reconcileErasures: options.reconcileErasures } : {}),
  });
  return { kernel, keyringPath, setNow: (d) => (fixed = d) };
}

/**
 * What an attacker with database owner rights can do to the audit chain: switch the append-only
 * triggers off, change the entry of link `fromSeq`, and recompute every link from there on.
 */
export async function rewriteAuditChainFrom(db: Db, fromSeq: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    const { rows: target } = await sql<{ entry_id: number }>`select entry_id from privacy_audit_chain where seq = ${fromSeq}`.execute(trx);
    await sql`update privacy_audit_log set actor_id = 'someone-else' where id = ${target[0]!.entry_id}`.execute(trx);
    const { rows: previous } = await sql<{ hash: Buffer }>`select hash from privacy_audit_chain where seq = ${fromSeq - 1}`.execute(trx);
    let hash: Buffer = previous[0] ? Buffer.from(previous[0].hash) : GENESIS;
    const { rows } = await sql<AuditRow & { seq: number; entry_id: number }>`
      select c.seq, c.entry_id, e.* from privacy_audit_chain c join privacy_audit_log e on e.id = c.entry_id
      where c.seq >= ${fromSeq} order by c.seq`.execute(trx);
    for (const row of rows) {
      hash = linkHash(hash, Number(row.seq), { ...row, id: Number(row.entry_id) });
      await sql`update privacy_audit_chain set hash = ${hash} where seq = ${row.seq}`.execute(trx);
    }
  });
}

/** For other modules' tests: how many audit entries match (they may not name the kernel's tables). */
export async function countAuditEntries(db: Db, match: { action: string; actorKind?: string; purpose?: string }): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from privacy_audit_log
    where action = ${match.action}
      and (${match.actorKind ?? null}::text is null or actor_kind = ${match.actorKind ?? null})
      and (${match.purpose ?? null}::text is null or purpose = ${match.purpose ?? null})`.execute(db);
  return rows[0]!.n;
}
