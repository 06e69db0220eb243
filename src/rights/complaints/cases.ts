// The complaint cases' rows: numbers, status, dates and history, with pseudonymous actors. Nothing
// here holds what anybody wrote (see refs.ts for where that lives in the kernel).
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { notFound } from '../../platform/errors.ts';
import { pageAt, type PageSlice } from '../../web/pagination.ts';
import { actorTag, type Actor } from '../../privacy/index.ts';
import type { ComplaintChannel, ComplaintEvent, ComplaintFiler, ComplaintStatus, ComplaintTable, RightsTables } from '../tables.ts';

export type Complaint = Selectable<ComplaintTable>;
export type ComplaintHistoryEntry = Selectable<RightsTables['rights_complaint_events']>;
type Detail = Record<string, string | number | boolean | null>;

const NUMBER = /^K-[0-9]{6,12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const t = (db: Db) => tablesOf<RightsTables>(db);

export async function addComplaintEvent(db: Db, complaintId: string, event: ComplaintEvent, actor: Actor, at: Date, detail: Detail = {}): Promise<void> {
  await t(db)
    .insertInto('rights_complaint_events')
    .values({ complaint_id: complaintId, at, event, actor_ref: actorTag(actor), detail: JSON.stringify(detail) })
    .execute();
}

export async function insertComplaint(db: Db, input: { id: string; subject: string; filedBy: ComplaintFiler; channel: ComplaintChannel; receivedAt: Date; dueAt: Date }): Promise<Complaint> {
  const { rows } = await sql<{ n: string }>`select nextval('rights_complaint_number_seq')::text as n`.execute(db);
  return t(db)
    .insertInto('rights_complaints')
    .values({
      id: input.id,
      number: `K-${rows[0]!.n.padStart(6, '0')}`,
      subject_id: input.subject,
      filed_by: input.filedBy,
      channel: input.channel,
      status: 'open',
      received_at: input.receivedAt,
      due_at: input.dueAt,
      closed_at: null,
      items: 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const newComplaintId = (): string => randomUUID();

/** A case by its number; `lock` holds it for the rest of the transaction (one command at a time per case). */
export async function complaintByNumber(db: Db, number: string, lock = false): Promise<Complaint> {
  if (!NUMBER.test(number)) throw notFound('The complaint');
  let q = t(db).selectFrom('rights_complaints').selectAll().where('number', '=', number);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The complaint');
  return row;
}

export async function historyOf(db: Db, complaintIds: readonly string[]): Promise<ComplaintHistoryEntry[]> {
  if (complaintIds.length === 0) return [];
  return t(db).selectFrom('rights_complaint_events').selectAll().where('complaint_id', 'in', complaintIds).orderBy('id').execute();
}

export async function complaintsOfSubject(db: Db, subject: string): Promise<Complaint[]> {
  if (!UUID.test(subject)) return [];
  return t(db).selectFrom('rights_complaints').selectAll().where('subject_id', '=', subject).orderBy('received_at').orderBy('number').execute();
}

/** Cases still to handle, waiting for an answer first, then by deadline; and the latest closed ones. */
/**
 * The officer's list: one page of the active complaints (waiting for an answer first, then by
 * deadline), paged in SQL, with how many are overdue; and the latest closed ones.
 */
export async function listComplaints(
  db: Db,
  o: { page: number; perPage: number; now: Date; closedLimit?: number },
): Promise<{ active: PageSlice<Complaint> & { total: number }; overdue: number; closed: Complaint[] }> {
  const counts = await t(db)
    .selectFrom('rights_complaints')
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where status = 'open' and due_at < ${o.now}))::int`.as('overdue')])
    .where('closed_at', 'is', null)
    .executeTakeFirstOrThrow();
  const at = pageAt(counts.total, o.page, o.perPage);
  const items = await t(db)
    .selectFrom('rights_complaints')
    .selectAll()
    .where('closed_at', 'is', null)
    .orderBy(sql`status = 'open'`, 'desc')
    .orderBy('due_at')
    .orderBy('number')
    .limit(at.limit)
    .offset(at.offset)
    .execute();
  const closed = await t(db)
    .selectFrom('rights_complaints')
    .selectAll()
    .where('closed_at', 'is not', null)
    .orderBy('closed_at', 'desc')
    .limit(o.closedLimit ?? 50)
    .execute();
  return { active: { items, page: at.page, pageCount: at.pageCount, total: counts.total }, overdue: counts.overdue, closed };
}

export async function updateComplaint(db: Db, id: string, change: { status?: ComplaintStatus; closed_at?: Date | null; due_at?: Date; items?: number }): Promise<void> {
  await t(db).updateTable('rights_complaints').set(change).where('id', '=', id).execute();
}

/** Erasure: the case and its history stay as the shop's record that it answered, with nobody behind them. */
export async function unlinkComplaints(db: Db, subject: string): Promise<void> {
  if (!UUID.test(subject)) return;
  await t(db).updateTable('rights_complaints').set({ subject_id: null }).where('subject_id', '=', subject).execute();
}

/** Waiting for the first answer past its deadline. */
export function isOverdue(c: Pick<Complaint, 'status' | 'due_at'>, now: Date): boolean {
  return c.status === 'open' && new Date(c.due_at).getTime() < now.getTime();
}
