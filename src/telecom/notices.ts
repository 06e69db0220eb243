// The monthly "statement ready" mail: a daily job that, once a month has ended, queues one mail per
// line with usage in it (once: a row per line and month, and the outbox's idempotency key), a page
// of lines per transaction. It reads no personal data: comms reads the address at send time.
import { sql } from 'kysely';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { statementReadyMail } from './mail.ts';
import { telecomDb } from './tables.ts';

export const STATEMENT_JOB = 'telecom.statements';
const PAGE = 200;

/** The month before `now` (UTC), yyyy-mm. */
export function previousMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** Queues the mails of `month` not queued yet; returns how many. */
export async function mailStatements(db: Db, month: string, now: Date): Promise<number> {
  let queued = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ line_id: string; subject_id: string }>`
        select distinct b.line_id, b.subject_id from telecom_usage_batches b
        where b.month = ${month} and not exists (select 1 from telecom_statement_notices n where n.line_id = b.line_id and n.month = ${month})
        order by b.line_id limit ${PAGE}`.execute(trx);
      for (const r of rows) {
        await queueMail(trx, { subject: r.subject_id, purpose: 'billing', template: statementReadyMail, params: { month }, idempotencyKey: `${STATEMENT_JOB}:${r.subject_id}:${month}` });
      }
      if (rows.length) {
        await telecomDb(trx)
          .insertInto('telecom_statement_notices')
          .values(rows.map((r) => ({ line_id: r.line_id, subject_id: r.subject_id, month, queued_at: now })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      queued += rows.length;
      return rows.length < PAGE;
    });
    if (done) return queued;
  }
}
