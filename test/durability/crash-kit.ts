// What the kill -9 tests need beside the processes (shop-process.ts, crash-procs.ts): a proxy (in
// front of the payment processor, or of the shop's webhook) that kills a process at a chosen
// request or answer, and the passing of time for a dead worker's leases.
import { createServer } from 'node:http';
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';

export interface Answered {
  method: string;
  path: string;
  status: number;
  body: string;
  /** The address the request was passed to. */
  target: string;
}

/**
 * An HTTP proxy to `target` (an address, or one looked up for each request: it may wait until
 * there is one). Each request is forwarded (a redirect is relayed, not followed); once the target
 * has answered, `onAnswered` is called before the answer is relayed. When it returns (or resolves
 * to) true (it has killed the caller, or the target), the caller's connection is cut instead: the
 * target acted, the caller never learns it. A promise holds the answer until it settles. `onArrived` is
 * called before a request is forwarded; when it returns true (it has killed the target), the
 * request is cut and never reaches the target. A request whose caller has gone is not forwarded.
 */
export async function interceptingProxy(
  target: string | (() => Promise<string>),
  onAnswered: (answered: Answered) => boolean | Promise<boolean>,
  onArrived: (arrived: { method: string; path: string }) => boolean = () => false,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let gone = false;
    res.on('close', () => (gone = !res.writableFinished));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (onArrived({ method: req.method!, path: req.url! })) {
        res.destroy();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
      }
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const forward = async () => {
        const to = typeof target === 'string' ? target : await target();
        if (gone) return;
        const upstream = await fetch(`${to}${req.url}`, { method: req.method!, headers, redirect: 'manual', ...(body ? { body } : {}) });
        const text = await upstream.text();
        if (await onAnswered({ method: req.method!, path: req.url!, status: upstream.status, body: text, target: to })) {
          res.destroy();
          return;
        }
        const location = upstream.headers.get('location');
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', ...(location ? { location } : {}) });
        res.end(text);
      };
      forward().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Lets the leases of a killed process run out, as waiting would (60 s for its jobs, 180 s for a
 * mail it was sending): its running jobs, and the outbox rows those jobs were sending. Other
 * processes' leases are left alone. Returns the outbox ids that were in flight.
 */
export async function expireLeasesOf(db: Db, pid: number): Promise<{ jobs: number; sending: string[] }> {
  const owner = `%/${pid}/%`;
  const { rows: sending } = await sql<{ id: string }>`
    update comms_outbox set lease_until = now() - interval '1 second'
    where status = 'sending' and id::text in (select payload->>'messageId' from jobs where name = 'comms.send' and state = 'running' and locked_by like ${owner})
    returning id::text as id`.execute(db);
  const jobs = await sql`update jobs set locked_until = now() - interval '1 second' where state = 'running' and locked_by like ${owner} returning id`.execute(db);
  return { jobs: jobs.rows.length, sending: sending.map((r) => r.id) };
}

/** The pid of the worker process whose running job is sending this outbox message, or null. */
export async function senderOf(db: Db, outboxId: string): Promise<number | null> {
  const { rows } = await sql<{ locked_by: string }>`select locked_by from jobs where name = 'comms.send' and state = 'running' and payload->>'messageId' = ${outboxId}`.execute(db);
  const pid = rows[0] ? Number(rows[0].locked_by.split('/')[1]) : NaN;
  return Number.isInteger(pid) ? pid : null;
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000, explain: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\n${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
