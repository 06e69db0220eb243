// The ticket and message rows: references, states, times, channels. Nothing here holds what
// anybody wrote (refs.ts says where that lives in the kernel).
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/errors.ts';
import { supportDb, type MessageTable, type TicketTable } from './tables.ts';

export type Ticket = Selectable<TicketTable>;
export type TicketMessage = Selectable<MessageTable>;

export const REFERENCE_PATTERN = '^S-[0-9]{6,12}$';
const REFERENCE = new RegExp(REFERENCE_PATTERN);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function insertTicket(db: Db, t: Omit<Ticket, 'id' | 'reference' | 'status' | 'closed_at' | 'messages'>): Promise<Ticket> {
  const { rows } = await sql<{ n: string }>`select nextval('support_ticket_number_seq')::text as n`.execute(db);
  return supportDb(db)
    .insertInto('support_tickets')
    .values({ ...t, id: randomUUID(), reference: `S-${rows[0]!.n.padStart(6, '0')}`, status: 'open', closed_at: null, messages: 0 })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A ticket by its reference; `lock` holds it for the rest of the transaction (one command at a time per ticket). */
export async function ticketByReference(db: Db, reference: string, lock = false): Promise<Ticket> {
  const row = await findTicket(db, reference, lock);
  if (!row) throw notFound('The support request');
  return row;
}

export async function findTicket(db: Db, reference: string, lock = false): Promise<Ticket | undefined> {
  if (!REFERENCE.test(reference)) return undefined;
  let q = supportDb(db).selectFrom('support_tickets').selectAll().where('reference', '=', reference);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function ticketByLink(db: Db, hash: Buffer): Promise<Ticket | undefined> {
  return supportDb(db).selectFrom('support_tickets').selectAll().where('link_hash', '=', hash).executeTakeFirst();
}

export async function ticketsOfSubject(db: Db, subject: string): Promise<Ticket[]> {
  if (!UUID.test(subject)) return [];
  return supportDb(db).selectFrom('support_tickets').selectAll().where('subject_id', '=', subject).orderBy('opened_at', 'desc').orderBy('reference', 'desc').execute();
}

export async function messagesOf(db: Db, ticketIds: readonly string[]): Promise<TicketMessage[]> {
  if (ticketIds.length === 0) return [];
  return supportDb(db).selectFrom('support_messages').selectAll().where('ticket_id', 'in', ticketIds).orderBy('ticket_id').orderBy('n').execute();
}

/** Staff's list: tickets waiting for an answer first (oldest message first), then answered ones; and the latest closed. */
export async function listTickets(db: Db, limit = 200): Promise<{ active: Ticket[]; closed: Ticket[] }> {
  const active = await supportDb(db).selectFrom('support_tickets').selectAll().where('status', '!=', 'closed').orderBy(sql`status = 'open'`, 'desc').orderBy('last_message_at').limit(limit).execute();
  const closed = await supportDb(db).selectFrom('support_tickets').selectAll().where('status', '=', 'closed').orderBy('closed_at', 'desc').limit(50).execute();
  return { active, closed };
}

export async function insertMessage(db: Db, m: TicketMessage): Promise<void> {
  await supportDb(db).insertInto('support_messages').values(m).execute();
}

export async function updateTicket(db: Db, id: string, change: Partial<Pick<Ticket, 'status' | 'closed_at' | 'messages' | 'last_message_at' | 'link_hash'>>): Promise<void> {
  await supportDb(db).updateTable('support_tickets').set(change).where('id', '=', id).execute();
}

/** Tickets whose newest message is older than `before` (their correspondence is past its retention). */
export async function expiredTickets(db: Db, before: Date, limit: number): Promise<Pick<Ticket, 'id' | 'subject_id' | 'opened_by'>[]> {
  return supportDb(db).selectFrom('support_tickets').select(['id', 'subject_id', 'opened_by']).where('last_message_at', '<', before).orderBy('last_message_at').limit(limit).execute();
}

export async function deleteTickets(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await supportDb(db).deleteFrom('support_tickets').where('id', 'in', ids).execute();
}

export async function deleteTicketsOfSubject(db: Db, subject: string): Promise<void> {
  if (!UUID.test(subject)) return;
  await supportDb(db).deleteFrom('support_tickets').where('subject_id', '=', subject).execute();
}
