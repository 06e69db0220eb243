// Verifies the audit chain: every link in order, no gap, every hash recomputed from its entry,
// every entry committed since the head still there (numbers are gap-free, decision 0027), no entry
// that is neither sealed nor waiting to be, and the consent and disclosure ledgers bound to their
// entries. Given the anchor file, it also checks that the chain still holds the head recorded
// outside the database (a chain rewritten from some entry on, hashes recomputed, passes every other
// check), and that the file is there at all once links exist. Reports the first broken link.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { readAnchor, type AuditAnchor } from './anchor.ts';
import { GENESIS, linkHash, type AuditRow } from './chain.ts';
import { oldestUnsealedSeconds, SEAL_LAG_ALERT_SECONDS } from './seal.ts';
import { verifyLedgers } from './verify-ledgers.ts';

export interface VerifyReport {
  ok: boolean;
  sealed: number;
  pending: number;
  oldestPendingSeconds: number | null;
  /** Pending entries older than the alert threshold (a sealer problem, not tampering). */
  sealLagAlert: boolean;
  head: { seq: number; hash: string } | null;
  /** The anchor checked against (null: no anchor path given, or no anchor written yet). */
  anchor: (AuditAnchor & { path: string; matches: boolean }) | null;
  firstBroken: { seq: number | null; entryId: number | null; problem: string } | null;
}

const PAGE = 5000;

export async function verifyAuditLog(db: Db, now = new Date(), options: { anchorPath?: string | null } = {}): Promise<VerifyReport> {
  const anchor = options.anchorPath ? readAnchor(options.anchorPath) : null;
  let anchorMatches: boolean | null = null;
  let expected = 1;
  let previous: Buffer = GENESIS;
  let firstBroken: VerifyReport['firstBroken'] = null;
  let sealed = 0;
  page: for (;;) {
    const { rows } = await sql<AuditRow & { seq: number; entry_id: number; hash: Buffer; found: number | null }>`
      select c.seq, c.entry_id, c.hash, e.id as found, e.*
      from privacy_audit_chain c left join privacy_audit_log e on e.id = c.entry_id
      where c.seq >= ${expected} order by c.seq limit ${PAGE}`.execute(db);
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) {
        firstBroken = { seq: expected, entryId: null, problem: `link ${expected} is missing (next link found is ${seq})` };
        break page;
      }
      if (row.found === null) {
        firstBroken = { seq, entryId: Number(row.entry_id), problem: 'the entry of this link is missing' };
        break page;
      }
      const hash = Buffer.from(row.hash);
      if (!linkHash(previous, seq, { ...row, id: Number(row.entry_id) }).equals(hash)) {
        firstBroken = { seq, entryId: Number(row.entry_id), problem: 'the entry or its link was altered (hash does not match)' };
        break page;
      }
      if (anchor && seq === anchor.seq) {
        anchorMatches = hash.toString('hex') === anchor.hash;
        if (!anchorMatches) {
          firstBroken = {
            seq,
            entryId: Number(row.entry_id),
            problem: `the chain was rewritten at or before this link: its hash differs from the head recorded outside the database on ${anchor.anchoredAt} (${options.anchorPath})`,
          };
          break page;
        }
      }
      previous = hash;
      expected = seq + 1;
      sealed++;
    }
    if (rows.length < PAGE) break;
  }
  if (options.anchorPath && !anchor && sealed > 0 && !firstBroken) {
    firstBroken = {
      seq: null,
      entryId: null,
      problem: `the anchor outside the database (${options.anchorPath}) is missing, though ${sealed} links are sealed: it was removed, so a rewritten chain cannot be told from the original; restore it from a copy, or the DPO re-anchors (custodian audit verify --re-anchor)`,
    };
  }
  if (anchor && anchorMatches === null && !firstBroken) {
    anchorMatches = false;
    firstBroken = {
      seq: expected,
      entryId: null,
      problem: `the chain ends at link ${expected - 1}, but link ${anchor.seq} was recorded outside the database on ${anchor.anchoredAt} (${options.anchorPath}): links were removed, or the database was restored from an older backup`,
    };
  }
  // One statement, so a seal running meanwhile cannot make the head and the pending entries disagree.
  const { rows: counts } = await sql<{ pending: number; orphan: number | null; head: number | null; last: number | null; missing: number | null }>`
    with h as (select coalesce(max(seq), 0) as head from privacy_audit_chain),
      n as (select last from privacy_audit_counter)
    select (select count(*) from privacy_audit_pending)::int as pending,
      (select min(e.id) from privacy_audit_log e
        where not exists (select 1 from privacy_audit_chain c where c.entry_id = e.id)
          and not exists (select 1 from privacy_audit_pending p where p.entry_id = e.id)) as orphan,
      (select head from h) as head, (select last from n) as last,
      (select min(s) from h, n, generate_series(h.head + 1, n.last) s
        where not exists (select 1 from privacy_audit_pending p where p.seq = s)) as missing`.execute(db);
  const orphan = counts[0]?.orphan ?? null;
  const missing = counts[0]?.missing ?? null;
  if (!firstBroken && missing !== null) {
    firstBroken = {
      seq: Number(missing),
      entryId: null,
      problem: `audit entry ${missing} was committed (entries up to ${counts[0]!.last} were) but is gone before it was sealed: it was deleted`,
    };
  }
  if (!firstBroken && orphan !== null) firstBroken = { seq: null, entryId: Number(orphan), problem: 'an entry is neither sealed nor waiting to be sealed (its pending marker was removed)' };
  if (!firstBroken) {
    const ledger = await verifyLedgers(db);
    if (ledger) firstBroken = { seq: null, entryId: ledger.entryId, problem: ledger.problem };
  }
  const oldest = await oldestUnsealedSeconds(db, now);
  return {
    ok: firstBroken === null,
    sealed,
    pending: counts[0]?.pending ?? 0,
    oldestPendingSeconds: oldest,
    sealLagAlert: oldest !== null && oldest > SEAL_LAG_ALERT_SECONDS,
    head: sealed ? { seq: expected - 1, hash: previous.toString('hex') } : null,
    anchor: anchor && options.anchorPath ? { ...anchor, path: options.anchorPath, matches: anchorMatches === true } : null,
    firstBroken,
  };
}
