// Reading and finishing outbox rows. Every change to a message's status is guarded by its status
// being `queued` or `sending`, so a rerun of a send job never changes a message that is already
// final. `claimForSending` is the one step that may take a message another send had: only once
// that send's lease ran out (its worker died), and the message then goes out again with the same
// Message-ID (decision 0054).
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
    .where('status', 'in', ['queued', 'sending'])
    .execute();
}

/** The lease is still held by another send (its worker may be alive and still talking to the server). */
export function leaseHeld(message: Pick<OutboxMessage, 'status' | 'lease_until'>, now = Date.now()): boolean {
  return message.status === 'sending' && message.lease_until !== null && new Date(message.lease_until).getTime() > now;
}

/**
 * Marks a message `sending` for `leaseSeconds`, just before the transport gets it. Succeeds for a
 * queued message or one whose earlier send's lease ran out; `interrupted` says it was the latter
 * (that send may have reached the server: this one repeats it, same Message-ID). Null: another
 * send holds the message.
 */
export async function claimForSending(db: Db, id: string, leaseSeconds: number): Promise<{ interrupted: boolean } | null> {
  const { rows } = await sql<{ interrupted: boolean }>`
    update comms_outbox o set status = 'sending', lease_until = now() + make_interval(secs => ${leaseSeconds})
    from (select id, status = 'sending' as interrupted from comms_outbox where id = ${id}::uuid for update) prev
    where o.id = prev.id and (o.status = 'queued' or (o.status = 'sending' and o.lease_until <= now()))
    returning prev.interrupted`.execute(db);
  return rows[0] ?? null;
}

/** A temporary failure: the message goes back to queued and the job retries it. */
export async function recordTemporaryFailure(db: Db, id: string, errorText: string): Promise<void> {
  await tablesOf<CommsTables>(db)
    .updateTable('comms_outbox')
    .set({ status: 'queued', lease_until: null, last_error: errorText })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending'])
    .execute();
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
      lease_until: null,
      ...(outcome.status === 'sent' ? { sent_at: sql<Date>`now()`, transport_message_id: outcome.transportMessageId, last_error: null } : {}),
      ...(outcome.status === 'suppressed' ? { suppressed_reason: outcome.reason } : {}),
      ...(outcome.status === 'failed' ? { last_error: outcome.errorText } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending'])
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
