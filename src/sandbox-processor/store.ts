// The sandbox's own storage: an append-only JSON-lines file in the directory it was given, each
// line a full snapshot of one session, written and fsynced before the caller is answered. On start
// the file is replayed, so the last snapshot of each session wins. It never holds a card or account
// number: only what `Session` lists (a token, the brand, the last four digits and a fingerprint).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type SessionStatus = 'open' | 'succeeded' | 'failed' | 'expired' | 'refunded';
export type Instrument = 'card' | 'bank-account';

export interface PaymentMethod { token: string; brand: string; last4: string; fingerprint: string }

export interface Refund { id: string; amountMinor: number; idempotencyKey: string; at: string }

export interface Session {
  id: string;
  status: SessionStatus;
  amountMinor: number;
  currency: string;
  reference: string;
  instrument: Instrument;
  returnUrl: string;
  cancelUrl: string;
  customerName: string;
  customerEmail: string;
  idempotencyKey: string;
  /** SHA-256 of the creating request, to refuse an idempotency key reused for another request. */
  requestHash: string;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
  attempts: number;
  failureCode: string | null;
  paymentMethod: PaymentMethod | null;
  refunds: Refund[];
}

export interface SessionStore {
  get(id: string): Session | undefined;
  byIdempotencyKey(key: string): Session | undefined;
  put(session: Session): void;
  close(): void;
}

export function openSessionStore(dir: string): SessionStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'sessions.jsonl');
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
  const fd = openSync(path, 'a', 0o600);
  return {
    get: (id) => sessions.get(id),
    byIdempotencyKey: (key) => {
      const id = keys.get(key);
      return id === undefined ? undefined : sessions.get(id);
    },
    put(session) {
      writeSync(fd, `${JSON.stringify(session)}\n`);
      fsyncSync(fd);
      sessions.set(session.id, session);
      keys.set(session.idempotencyKey, session.id);
    },
    close: () => closeSync(fd),
  };
}
