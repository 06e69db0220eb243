// Data-subject requests: every request a person makes (access, correction, deletion, deactivation,
// opt-out), whether in the privacy centre (verified by the session, usually done at once) or by
// email, phone or post to staff (proven by a mailed link or recorded evidence, then carried out).
// Each has a number, a legal deadline (RIGHTS_DEADLINE_DAYS from receipt) and a history.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { AppError, notFound, validationError } from '../platform/errors.ts';
import { pageAt, type PageSlice } from '../web/pagination.ts';
import { actorTag, type Actor } from '../privacy/index.ts';
import type { RightsDeps } from './deps.ts';
import {
  rejectionOutcomes,
  type EvidenceKind,
  type RequestChannel,
  type RequestKind,
  type RequestOutcome,
  type RequestSource,
  type RequestStatus,
  type RequestTable,
  type RightsTables,
} from './tables.ts';
import type { Selectable } from 'kysely';

export type RightsRequest = Selectable<RequestTable>;
export type RequestEvent = Selectable<RightsTables['rights_request_events']>;

const DAY_MS = 86_400_000;
const NUMBER = /^R-[0-9]{6,12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const kindLabels: Record<RequestKind, string> = {
  access: 'Access and copy of the data',
  correction: 'Correction',
  deletion: 'Deletion of the account and data',
  deactivation: 'Deactivation of the account',
  'opt-out': 'Opt-out of offers and mailings',
};

const t = (db: Db) => tablesOf<RightsTables>(db);

export async function addEvent(db: Db, requestId: string, event: string, actor: Actor, detail: Record<string, string | number | boolean | null> = {}, at = new Date()): Promise<void> {
  await t(db)
    .insertInto('rights_request_events')
    .values({ request_id: requestId, at, event, actor_ref: actorTag(actor), detail: JSON.stringify(detail) })
    .execute();
}

export interface NewRequest {
  kind: RequestKind;
  subject: string | null;
  source: RequestSource;
  channel: RequestChannel;
  status: Extract<RequestStatus, 'unverified' | 'open' | 'in-progress'>;
  actor: Actor;
  /** Signed-in: the person asked in their privacy centre. */
  verification?: 'signed-in';
  enteredBy?: string;
}

export async function createRequest(deps: RightsDeps, db: Db, input: NewRequest): Promise<RightsRequest> {
  const now = deps.now();
  const { rows } = await sql<{ n: string }>`select nextval('rights_request_number_seq')::text as n`.execute(db);
  const request = await t(db)
    .insertInto('rights_requests')
    .values({
      id: randomUUID(),
      number: `R-${rows[0]!.n.padStart(6, '0')}`,
      kind: input.kind,
      subject_id: input.subject,
      source: input.source,
      channel: input.channel,
      status: input.status,
      received_at: now,
      due_at: new Date(now.getTime() + deps.config.rights.deadlineDays * DAY_MS),
      verified_at: input.verification ? now : null,
      verification: input.verification ?? null,
      evidence: null,
      step: null,
      step_at: null,
      receipt_message: null,
      reminded_at: null,
      overdue_at: null,
      closed_at: null,
      outcome: null,
      entered_by: input.enteredBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await addEvent(db, request.id, 'received', input.actor, { kind: input.kind, channel: input.channel, source: input.source }, now);
  return request;
}

/** Closes a request (completed or rejected) with its outcome; a closed request stays closed. */
export async function closeRequest(deps: RightsDeps, db: Db, id: string, status: 'completed' | 'rejected', outcome: RequestOutcome, actor: Actor): Promise<void> {
  const now = deps.now();
  const done = await t(db).updateTable('rights_requests').set({ status, outcome, closed_at: now }).where('id', '=', id).where('closed_at', 'is', null).returning('id').executeTakeFirst();
  if (done) await addEvent(db, id, status === 'completed' ? 'completed' : 'rejected', actor, { outcome }, now);
}

/** A request made and done in one go (an export downloaded, a correction saved in the privacy centre). */
export async function recordDoneRequest(deps: RightsDeps, db: Db, input: Omit<NewRequest, 'status'>, detail: Record<string, string | number | boolean | null> = {}): Promise<RightsRequest> {
  const request = await createRequest(deps, db, { ...input, status: 'open' });
  if (Object.keys(detail).length) await addEvent(db, request.id, 'carried-out', input.actor, detail, deps.now());
  await closeRequest(deps, db, request.id, 'completed', 'done', input.actor);
  return request;
}

export async function requestByNumber(db: Db, number: string): Promise<RightsRequest> {
  const row = NUMBER.test(number) ? await t(db).selectFrom('rights_requests').selectAll().where('number', '=', number).executeTakeFirst() : undefined;
  if (!row) throw notFound('The request');
  return row;
}

export async function requestById(db: Db, id: string, lock = false): Promise<RightsRequest> {
  let q = t(db)
    .selectFrom('rights_requests')
    .selectAll()
    .where('id', '=', UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000');
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('The request');
  return row;
}

export async function eventsOf(db: Db, requestId: string): Promise<RequestEvent[]> {
  return t(db).selectFrom('rights_request_events').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
}

export async function requestsOfSubject(db: Db, subject: string): Promise<RightsRequest[]> {
  if (!UUID.test(subject)) return [];
  return t(db).selectFrom('rights_requests').selectAll().where('subject_id', '=', subject).orderBy('received_at').orderBy('number').execute();
}

/** A deletion of this person that is under way (or null). */
export async function deletionUnderWay(db: Db, subject: string): Promise<RightsRequest | null> {
  return (await t(db).selectFrom('rights_requests').selectAll().where('subject_id', '=', subject).where('kind', '=', 'deletion').where('status', '=', 'in-progress').executeTakeFirst()) ?? null;
}

export interface RequestFilter {
  open?: boolean;
  limit?: number;
}

/** One page of the open requests, by deadline first, read in SQL; with how many are open and how many overdue. */
export async function pageOfOpenRequests(db: Db, page: number, perPage: number, now: Date): Promise<PageSlice<RightsRequest> & { total: number; overdue: number }> {
  const counts = await t(db)
    .selectFrom('rights_requests')
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where due_at < ${now}))::int`.as('overdue')])
    .where('closed_at', 'is', null)
    .executeTakeFirstOrThrow();
  const at = pageAt(counts.total, page, perPage);
  const items = await t(db).selectFrom('rights_requests').selectAll().where('closed_at', 'is', null).orderBy('due_at').orderBy('number').limit(at.limit).offset(at.offset).execute();
  return { items, page: at.page, pageCount: at.pageCount, total: counts.total, overdue: counts.overdue };
}

/** Requests for staff: open ones by deadline first, or the latest closed ones. */
export async function listRequests(db: Db, filter: RequestFilter = {}): Promise<RightsRequest[]> {
  const q = t(db).selectFrom('rights_requests').selectAll();
  const limit = Math.max(1, Math.min(filter.limit ?? 100, 500));
  if (filter.open === false) return q.where('closed_at', 'is not', null).orderBy('closed_at', 'desc').limit(limit).execute();
  return q.where('closed_at', 'is', null).orderBy('due_at').orderBy('number').limit(limit).execute();
}

export function assertOpen(request: RightsRequest): void {
  if (request.closed_at !== null) throw new AppError('CONFLICT', `Request ${request.number} is already closed.`);
}

/** The person is proven: by the link mailed to their address, or by evidence staff recorded. */
export async function verifyRequest(
  deps: RightsDeps,
  db: Db,
  id: string,
  how: { verification: 'email-link' } | { verification: 'evidence'; evidence: EvidenceKind },
  actor: Actor,
): Promise<RightsRequest> {
  const request = await requestById(db, id, true);
  assertOpen(request);
  if (request.status !== 'unverified') return request;
  const now = deps.now();
  const updated = await t(db)
    .updateTable('rights_requests')
    .set({ status: 'open', verified_at: now, verification: how.verification, evidence: how.verification === 'evidence' ? how.evidence : null })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await addEvent(db, id, 'verified', actor, { by: how.verification === 'evidence' ? how.evidence : 'email-link' }, now);
  return updated;
}

export async function rejectRequest(deps: RightsDeps, db: Db, id: string, outcome: (typeof rejectionOutcomes)[number], actor: Actor): Promise<void> {
  const request = await requestById(db, id, true);
  assertOpen(request);
  if (request.status === 'in-progress') throw new AppError('CONFLICT', `Request ${request.number} is being carried out.`);
  if (!rejectionOutcomes.includes(outcome)) throw validationError('outcome', `must be one of ${rejectionOutcomes.join(', ')}`);
  await closeRequest(deps, db, id, 'rejected', outcome, actor);
}

export function isOverdue(request: Pick<RightsRequest, 'due_at' | 'closed_at'>, now: Date): boolean {
  return request.closed_at === null && new Date(request.due_at).getTime() < now.getTime();
}
