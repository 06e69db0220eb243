// Reading and finishing outbox rows. Every change to a message's status is guarded by
// `status = 'queued'`, so a rerun of a send job never changes a message that is already final.
import { sql } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { CommsTables, OutboxStatus } from './tables.ts';

export async function loadMessage(db: Db, id: string) {
  return tablesOf<CommsTables>(db).selectFrom('comms_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export type OutboxMessage = NonNullable<Awaited<ReturnType<typeof loadMessage>>>;

/** Counts one delivery attempt. */
export async function countAttempt(db: Db, id: string): Promise<void> {
  await tablesOf<CommsTables>(db)
    .updateTable('comms_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

/** A temporary failure: the message stays queued and the job retries it. */
export async function recordTemporaryFailure(db: Db, id: string, errorText: string): Promise<void> {
  await tablesOf<CommsTables>(db).updateTable('comms_outbox').set({ last_error: errorText }).where('id', '=', id).where('status', '=', 'queued').execute();
}

type Outcome = { status: 'sent'; transportMessageId: string } | { status: 'suppressed'; reason: string } | { status: 'failed'; errorText: string };

/**
 * Makes a message final. Its parameters are emptied: rendering is over, and a link with a token
 * (a password reset) should not outlive its mail in the database.
 */
export async function finishMessage(db: Db, id: string, outcome: Outcome): Promise<boolean> {
  const status: OutboxStatus = outcome.status;
  const result = await tablesOf<CommsTables>(db)
    .updateTable('comms_outbox')
    .set({
      status,
      params: '{}',
      sealed_params: null,
      finished_at: sql<Date>`now()`,
      ...(outcome.status === 'sent' ? { sent_at: sql<Date>`now()`, transport_message_id: outcome.transportMessageId, last_error: null } : {}),
      ...(outcome.status === 'suppressed' ? { suppressed_reason: outcome.reason } : {}),
      ...(outcome.status === 'failed' ? { last_error: outcome.errorText } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How the messages whose idempotency key starts with `prefix` (one campaign's) stand: a count per status and per suppression reason. */
export async function outboxTally(db: Db, prefix: string): Promise<{ status: OutboxStatus; reason: string | null; n: number }[]> {
  const { rows } = await sql<{ status: OutboxStatus; reason: string | null; n: number }>`
    select status, suppressed_reason as reason, count(*)::int as n from comms_outbox
    where idempotency_key like ${`${prefix.replace(/[\\%_]/g, '\\$&')}%`}
    group by status, suppressed_reason order by status, suppressed_reason`.execute(db);
  return rows;
}
