// The sealer: chains audit entries after their transactions commit, the way Certificate
// Transparency integrates entries into its log. Each entry got its gap-free number when its
// transaction committed (decision 0027); one sealer at a time (an advisory lock) takes the pending
// entries in number order, links each at its number and removes its pending marker, in one
// transaction. A number missing among them (an entry deleted before it was sealed) stays missing in
// the chain, so verify reports it at that link.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { JobContext } from '../../platform/jobs/index.ts';
import { advanceAnchor, type AnchorOutcome } from './anchor.ts';
import { GENESIS, linkHash, type AuditRow } from './chain.ts';
import { kernelInternals } from '../internals.ts';

// An arbitrary constant naming "the audit sealer" among advisory locks.
const SEALER_LOCK = 7_200_301_019;

export const SEAL_JOB = 'privacy.seal-audit';
/** Pending entries older than this raise an alert: the sealer is not running or keeps failing. */
export const SEAL_LAG_ALERT_SECONDS = 120;

export interface SealResult {
  sealed: number;
  /** The chain's head before this seal (0: the seal started the chain). */
  from: number;
  head: { seq: number; hash: string } | null;
  /** What became of the anchor outside the database (only when an anchor path was given and there is a head). */
  anchor?: AnchorOutcome;
}

export interface SealOptions {
  batch?: number;
  /** The anchor file (audit-head.json next to the keyring); after sealing it records the new head. */
  anchorPath?: string | null;
}

export async function sealAuditLog(db: Db, options: SealOptions = {}): Promise<SealResult> {
  const result = await sealPending(db, options.batch ?? 2000);
  if (!options.anchorPath || !result.head) return result;
  return { ...result, anchor: await advanceAnchor(db, options.anchorPath, result.head, result.from === 0) };
}

async function sealPending(db: Db, batch: number): Promise<SealResult> {
  let sealed = 0;
  let head: SealResult['head'] = null;
  let from: number | null = null;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${SEALER_LOCK})`.execute(trx);
      const { rows: last } = await sql<{ seq: number; hash: Buffer }>`select seq, hash from privacy_audit_chain order by seq desc limit 1`.execute(trx);
      let seq = last[0] ? Number(last[0].seq) : 0;
      let hash: Buffer = last[0] ? Buffer.from(last[0].hash) : GENESIS;
      from ??= seq;
      const { rows } = await sql<AuditRow & { seq: number }>`
        select p.seq, e.* from privacy_audit_pending p join privacy_audit_log e on e.id = p.entry_id
        order by p.seq limit ${batch}`.execute(trx);
      if (rows.length === 0) {
        head = seq ? { seq, hash: hash.toString('hex') } : null;
        return 0;
      }
      const links = rows.map((row) => {
        seq = Number(row.seq);
        hash = linkHash(hash, seq, row);
        return sql`(${seq}, ${Number(row.id)}, ${hash})`;
      });
      await sql`insert into privacy_audit_chain (seq, entry_id, hash) values ${sql.join(links)}`.execute(trx);
      await sql`delete from privacy_audit_pending where entry_id = any(${rows.map((r) => Number(r.id))}::bigint[])`.execute(trx);
      head = { seq, hash: hash.toString('hex') };
      return rows.length;
    });
    sealed += done;
    if (done < batch) return { sealed, from: from ?? 0, head };
  }
}

/** Age in seconds of the oldest entry still waiting for its link (null when none waits). */
export async function oldestUnsealedSeconds(db: Db, now = new Date()): Promise<number | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select min(e.at) as at from privacy_audit_pending p join privacy_audit_log e on e.id = p.entry_id`.execute(db);
  const at = rows[0]?.at;
  return at ? Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000)) : null;
}

/**
 * The sealer job: alerts when entries waited too long (earlier runs did not happen), seals, and
 * moves the anchor outside the database to the new head (the kernel this worker was started with
 * knows where it lives). An anchor that no longer matches the database is left alone and alerted.
 */
export async function sealJob(_payload: unknown, ctx: Pick<JobContext, 'db' | 'log'> & Partial<Pick<JobContext, 'services'>>): Promise<void> {
  const lag = await oldestUnsealedSeconds(ctx.db);
  if (lag !== null && lag > SEAL_LAG_ALERT_SECONDS) {
    ctx.log.error({ alert: 'AUDIT_SEAL_LAG', oldestUnsealedSeconds: lag }, 'privacy: audit entries have waited too long to be sealed');
  }
  const kernel = ctx.services?.privacy;
  const anchorPath = kernel ? kernelInternals(kernel).anchorPath : null;
  const { sealed, head, anchor } = await sealAuditLog(ctx.db, { anchorPath });
  if (anchor === 'missing') {
    ctx.log.error({ alert: 'AUDIT_ANCHOR_MISSING', head }, 'privacy: the audit anchor outside the database is missing; it is not recreated (run custodian audit verify; the DPO re-anchors)');
  }
  if (anchor === 'mismatch') {
    ctx.log.error(
      { alert: 'AUDIT_ANCHOR_MISMATCH', head },
      'privacy: the audit chain in the database no longer holds the head recorded outside it (rewritten, or restored from an older backup); run custodian audit verify',
    );
  }
  // Info, not debug: shipped logs keep every head, a second anchor off the machine (the redactor leaves `audit_head` intact).
  if (sealed && head) ctx.log.info({ sealed, audit_head: `${head.seq}:${head.hash}` }, 'privacy: audit entries sealed');
}
