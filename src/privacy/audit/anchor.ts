// The audit chain's anchor outside the database (decision 0015). The chain proves that no sealed
// entry was changed, unless someone rewrote every link from the changed entry on, which anyone who
// can write to the database can do. So after each seal the sealer records the chain's head (its
// position and hash) in a file next to the keyring, `audit-head.json` (0600, replaced atomically),
// and `audit verify` checks the database's chain against it: a rewritten chain no longer has the
// recorded hash at the recorded position.
//
// The anchor only moves forward along the same chain. Before replacing it, the sealer checks that
// the database still holds the recorded link unchanged; if not (a rewrite, or a database restored
// from an older backup), it leaves the anchor as evidence and raises AUDIT_ANCHOR_MISMATCH. After
// a deliberate restore the operator accepts the restored chain with `audit verify --re-anchor`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { writeFileAtomically, withFileLock } from '../files.ts';

const FORMAT = 'custodian-audit-anchor/1';

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface AuditAnchor extends AuditHead {
  /** When this anchor was written (ISO time). */
  anchoredAt: string;
}

export type AnchorOutcome =
  /** The anchor now records this head. */
  | 'advanced'
  /** The anchor already records this head, or a later one of the same chain. */
  | 'unchanged'
  /** The database no longer holds the anchored link as recorded: rewritten, truncated or restored. */
  | 'mismatch'
  /** There is no anchor, though the chain existed before this seal: it was removed (decision 0027). */
  | 'missing';

/** The anchor file of a deployment: next to the keyring. */
export const anchorPathFor = (keyringPath: string): string => join(dirname(keyringPath), 'audit-head.json');

/** The anchor recorded at `path`; null when there is none yet. Throws when the file is not an anchor. */
export function readAnchor(path: string): AuditAnchor | null {
  if (!existsSync(path)) return null;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const { seq, hash } = raw;
  if (raw.format !== FORMAT || !Number.isSafeInteger(seq) || (seq as number) < 1 || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
    throw new Error(`${path} is not an audit anchor`);
  }
  return { seq: seq as number, hash, anchoredAt: String(raw.anchored_at) };
}

function writeAnchor(path: string, head: AuditHead): void {
  writeFileAtomically(path, `${JSON.stringify({ format: FORMAT, seq: head.seq, hash: head.hash, anchored_at: new Date().toISOString() }, null, 1)}\n`);
}

/** The hash of link `seq` in the database, or null when there is no such link. */
export async function linkHashAt(db: Db, seq: number): Promise<string | null> {
  const { rows } = await sql<{ hash: Buffer }>`select hash from privacy_audit_chain where seq = ${seq}`.execute(db);
  return rows[0] ? Buffer.from(rows[0].hash).toString('hex') : null;
}

/**
 * Records `head` (the database's chain head, just sealed) as the anchor, if it extends the chain
 * the anchor recorded. Runs under a lock file, so sealers in several processes never move the
 * anchor backwards. The first anchor is written only by the seal that started the chain: a missing
 * anchor beside an existing chain was removed, and writing a new one would hide that.
 */
export function advanceAnchor(db: Db, path: string, head: AuditHead, startsChain: boolean): Promise<AnchorOutcome> {
  return withFileLock(`${path}.lock`, async () => {
    const anchor = readAnchor(path);
    if (!anchor && !startsChain) return 'missing';
    if (anchor) {
      const recorded = anchor.seq === head.seq ? head.hash : await linkHashAt(db, anchor.seq);
      if (recorded !== anchor.hash) return 'mismatch';
      if (anchor.seq >= head.seq) return 'unchanged';
    }
    writeAnchor(path, head);
    return 'advanced';
  });
}

/** Replaces the anchor with `head` whatever it recorded (after a deliberate restore); returns the old one. */
export function replaceAnchor(path: string, head: AuditHead): Promise<AuditAnchor | null> {
  return withFileLock(`${path}.lock`, () => {
    const old = readAnchor(path);
    writeAnchor(path, head);
    return old;
  });
}

export type AnchorState =
  /** No anchor and no sealed link: a new shop (its first start is recorded in the chain). */
  | { state: 'new' }
  | { state: 'ok'; anchor: AuditAnchor; head: AuditHead }
  /** Links are sealed but the anchor file is gone. */
  | { state: 'missing'; head: AuditHead }
  /** The database's chain ends before the anchored link: restored from an older backup, or links removed. */
  | { state: 'behind'; anchor: AuditAnchor; head: AuditHead | null }
  /** The anchored link has another hash: the chain was rewritten. */
  | { state: 'rewritten'; anchor: AuditAnchor; head: AuditHead };

/** How the database's chain stands against the anchor, in two lookups (start runs this). */
export async function anchorState(db: Db, path: string): Promise<AnchorState> {
  const anchor = readAnchor(path);
  const { rows } = await sql<{ seq: number; hash: Buffer }>`select seq, hash from privacy_audit_chain order by seq desc limit 1`.execute(db);
  const head = rows[0] ? { seq: Number(rows[0].seq), hash: Buffer.from(rows[0].hash).toString('hex') } : null;
  if (!anchor) return head ? { state: 'missing', head } : { state: 'new' };
  if (!head || head.seq < anchor.seq) return { state: 'behind', anchor, head };
  const recorded = head.seq === anchor.seq ? head.hash : await linkHashAt(db, anchor.seq);
  if (recorded !== anchor.hash) return { state: 'rewritten', anchor, head };
  return { state: 'ok', anchor, head };
}
