// The sandbox's own storage: an append-only JSON-lines file in the directory it was given, each
// line a full snapshot of one session, written and fsynced before the caller is answered. On start
// the file is replayed, so the last snapshot of each session wins. It never holds a card or account
// number: only what `Session` lists (a token, the brand, the last four digits and a fingerprint).
// Because every earlier snapshot stays in an append-only file, forgetting a buyer also compacts it:
// the file is rewritten from the sessions in memory, so no line keeps what was forgotten.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type SessionStatus = 'open' | 'succeeded' | 'failed' | 'expired' | 'refunded';
export type Instrument = 'card' | 'bank-account';

/** `fingerprint` (the same number gives the same one) is dropped when the buyer is forgotten. */
export interface PaymentMethod {
  token: string;
  brand: string;
  last4: string;
  fingerprint?: string;
  /** A test card whose off-session charges are declined (4000 0000 0000 0341). */
  declinesOffSession?: boolean;
}

export interface Refund {
  id: string;
  amountMinor: number;
  idempotencyKey: string;
  at: string;
}

export interface Session {
  id: string;
  status: SessionStatus;
  amountMinor: number;
  currency: string;
  reference: string;
  /** What the buyer pays for, as the store described it (absent in lines written before descriptions). */
  description?: string;
  instrument: Instrument;
  returnUrl: string;
  cancelUrl: string;
  /** The buyer's name and email as the store disclosed them; empty once forgotten. */
  customerName: string;
  customerEmail: string;
  /** When the store asked the processor to forget the buyer (absent in lines written before forget existed). */
  forgottenAt?: string | null;
  idempotencyKey: string;
  /** SHA-256 of the creating request without its customer, to refuse an idempotency key reused for another request. */
  requestHash: string;
  /** SHA-256 of the creating request's customer; null once forgotten, since it would confirm a guessed name and email. */
  customerHash?: string | null;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
  attempts: number;
  failureCode: string | null;
  paymentMethod: PaymentMethod | null;
  refunds: Refund[];
  /** An off-session charge of a kept payment method: the session that first took it (no pay page). */
  chargeOf?: string;
}

export interface SessionStore {
  get(id: string): Session | undefined;
  byIdempotencyKey(key: string): Session | undefined;
  /** The first session that matches (a scan: the sandbox holds few). */
  find(match: (session: Session) => boolean): Session | undefined;
  put(session: Session): void;
  /** Rewrites the file from the sessions in memory (temp file, fsync, rename, fsync of the directory): no earlier snapshot survives. */
  compact(): void;
  close(): void;
}

export function openSessionStore(dir: string): SessionStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'sessions.jsonl');
  const temp = `${path}.compacting`;
  // A compaction cut short by a crash: the file it was replacing is still whole.
  rmSync(temp, { force: true });
  const sessions = new Map<string, Session>();
  const keys = new Map<string, string>();
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let session: Session;
      try {
        session = JSON.parse(line) as Session;
      } catch {
        continue; // a line torn by a crash mid-write; the session's earlier snapshot stands
      }
      sessions.set(session.id, session);
      keys.set(session.idempotencyKey, session.id);
    }
  }
  let fd = openSync(path, 'a', 0o600);
  return {
    get: (id) => sessions.get(id),
    byIdempotencyKey: (key) => {
      const id = keys.get(key);
      return id === undefined ? undefined : sessions.get(id);
    },
    find: (match) => [...sessions.values()].find(match),
    put(session) {
      writeSync(fd, `${JSON.stringify(session)}\n`);
      fsyncSync(fd);
      sessions.set(session.id, session);
      keys.set(session.idempotencyKey, session.id);
    },
    compact() {
      const out = openSync(temp, 'w', 0o600);
      try {
        writeSync(out, [...sessions.values()].map((s) => `${JSON.stringify(s)}\n`).join(''));
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      renameSync(temp, path);
      syncDirectory(dir);
      // The old descriptor still points at the replaced file; later snapshots go to the new one.
      closeSync(fd);
      fd = openSync(path, 'a', 0o600);
    },
    close: () => closeSync(fd),
  };
}

/** Makes a rename in `dir` durable. Windows cannot open a directory for fsync, and needs none. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const d = openSync(dir, 'r');
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}
