// Deletion (P000-12, P004-18): one flow of steps, each done once and recorded on the request, so a
// crash anywhere resumes where it stopped. Every module takes part through its holder
// (src/privacy/holders.ts), run from the last module to the first:
//   1. begin   (the caller's transaction) the request; every holder's `suspend`: sessions and
//              links end, the account stops signing in; the job is queued.
//   2. prepare (the job, no transaction; retried while a holder throws) every holder's
//              `prepare`: open orders cancelled and refunded, the processor asked to forget.
//      Then, in one transaction: a ledgered notice to every recipient of the person's data
//      (delivered at once where a holder told it; the rest wait for the privacy officer), and
//      the receipt mail queued.
//   3. erase   (the job, once no holder is `busy`: the receipt and any other mail to the person
//              has gone, or MAIL_WAIT_MS passed) every holder's `erase` in one transaction, the
//              kernel's shred last; the request is completed. Its time does not grow with the
//              person's orders.
//   4. unlink  (the job, right after) every holder's `unlink` in module order: the records the
//              shop keeps (orders, payments, then requests) stop pointing at the erased person.
// Compensation: until step 2 queued the receipt, a deletion can be called off (`callOffDeletion`):
// every holder's `resume` runs and the account comes back (orders already cancelled stay so).
// After that only forward: the receipt may be out.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { enqueue } from '../platform/jobs/index.ts';
import { systemActor, type Actor } from '../privacy/index.ts';
import { holderContext, holdersInErasureOrder, type RightsDeps } from './deps.ts';
import { queueRightsMail } from './mail.ts';
import { addEvent, closeRequest, createRequest, deletionUnderWay, requestById, type RightsRequest } from './requests.ts';
import type { RequestChannel, RequestSource } from './tables.ts';

export const ERASE_JOB = 'rights.erase';
export const ERASE_ACTOR: Actor = systemActor(ERASE_JOB);
/** How long a deletion waits for the mail still queued to the person (its receipt among it) before it goes on without. */
export const MAIL_WAIT_MS = 30 * 60_000;
/** How soon the job looks again while it waits. */
export const RECHECK_MS = 2_000;

const iso = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

export interface BeginDeletion {
  subject: string;
  actor: Actor;
  source: RequestSource;
  channel: RequestChannel;
  /** A verified request entered by staff; without it, a new request is made (the person asked while signed in). */
  request?: RightsRequest;
  enteredBy?: string;
}

/** Step 1, in the caller's transaction: the person can no longer sign in or be used from this moment. */
export async function beginDeletion(deps: RightsDeps, db: Db, input: BeginDeletion): Promise<RightsRequest> {
  const running = await deletionUnderWay(db, input.subject);
  if (running) return running;
  let request = input.request;
  if (request) {
    if (request.kind !== 'deletion' || request.status !== 'open' || request.subject_id !== input.subject)
      throw new AppError('CONFLICT', `Request ${request.number} is not a verified deletion request of this person.`);
  } else {
    request = await createRequest(deps, db, {
      kind: 'deletion',
      subject: input.subject,
      source: input.source,
      channel: input.channel,
      status: 'open',
      actor: input.actor,
      verification: 'signed-in',
      ...(input.enteredBy ? { enteredBy: input.enteredBy } : {}),
    });
  }
  const ctx = holderContext(deps, db, input.actor);
  for (const holder of holdersInErasureOrder(deps)) await holder.suspend?.(ctx, input.subject);
  const now = deps.now();
  await sql`update rights_requests set status = 'in-progress', step = 'suspended', step_at = ${now} where id = ${request.id}::uuid`.execute(db);
  await addEvent(db, request.id, 'suspended', input.actor, {}, now);
  await enqueue(db, ERASE_JOB, { requestId: request.id }, { maxAttempts: 20 });
  return { ...request, status: 'in-progress', step: 'suspended', step_at: now };
}

export type DeletionProgress = 'erased' | 'waiting' | 'closed';

/** The job's work: the steps after the one recorded. 'waiting': run it again shortly. */
export async function continueDeletion(deps: RightsDeps, db: Db, requestId: string): Promise<DeletionProgress> {
  const request = await requestById(db, requestId);
  if (request.kind !== 'deletion' || request.subject_id === null) return 'closed';
  const subject = request.subject_id;
  if (request.step === 'erased') {
    await unlinkRecords(deps, db, request.id, subject);
    return 'erased';
  }
  if (request.closed_at !== null) return 'closed';
  if (request.step === 'suspended') await prepare(deps, db, request, subject);
  const ready = await requestById(db, requestId);
  if (ready.step !== 'receipt-queued') return ready.closed_at !== null ? 'closed' : 'waiting';

  const ctx = holderContext(deps, db, ERASE_ACTOR);
  const waitedMs = deps.now().getTime() - new Date(ready.step_at ?? ready.received_at).getTime();
  let busy: string | null = null;
  for (const holder of deps.holders()) if (!busy && (await holder.busy?.(ctx, subject))) busy = holder.module;
  if (busy && waitedMs < MAIL_WAIT_MS) return 'waiting';

  const erased = await db.transaction().execute(async (trx) => {
    const locked = await requestById(trx, requestId, true);
    if (locked.step !== 'receipt-queued') return false;
    const inTx = holderContext(deps, trx, ERASE_ACTOR);
    for (const holder of holdersInErasureOrder(deps)) await holder.erase?.(inTx, subject);
    const now = deps.now();
    await sql`update rights_requests set step = 'erased', step_at = ${now} where id = ${requestId}::uuid`.execute(trx);
    await addEvent(trx, requestId, 'erased', ERASE_ACTOR, { waited_for: busy }, now);
    await closeRequest(deps, trx, requestId, 'completed', 'done', ERASE_ACTOR);
    return true;
  });
  if (!erased) return 'closed';
  await unlinkRecords(deps, db, requestId, subject);
  return 'erased';
}

/** Step 4: the kept records stop pointing at the person; the rights module's own (this request included) last. */
async function unlinkRecords(deps: RightsDeps, db: Db, requestId: string, subject: string): Promise<void> {
  const ctx = holderContext(deps, db, ERASE_ACTOR);
  for (const holder of deps.holders()) await holder.unlink?.(ctx, subject);
  const now = deps.now();
  await sql`update rights_requests set step = 'unlinked', step_at = ${now} where id = ${requestId}::uuid`.execute(db);
  await addEvent(db, requestId, 'unlinked', ERASE_ACTOR, {}, now);
}

async function prepare(deps: RightsDeps, db: Db, request: RightsRequest, subject: string): Promise<void> {
  const ctx = holderContext(deps, db, ERASE_ACTOR);
  const told = new Set<string>();
  for (const holder of holdersInErasureOrder(deps)) for (const recipient of (await holder.prepare?.(ctx, subject)) ?? []) told.add(recipient);
  const kept: string[] = [];
  for (const holder of deps.holders()) {
    const what = await holder.retains?.(ctx, subject);
    if (what) kept.push(what);
  }
  await db.transaction().execute(async (trx) => {
    const locked = await requestById(trx, request.id, true);
    if (locked.step !== 'suspended') return;
    const notices = await deps.kernel.recordNotices(trx, { subject, kind: 'erasure', actor: ERASE_ACTOR });
    for (const notice of notices) if (told.has(notice.recipient)) await deps.kernel.recordNoticeDelivery(trx, { notice: notice.id, channel: 'api', actor: ERASE_ACTOR });
    const now = deps.now();
    const receipt = await queueRightsMail(trx, {
      template: 'rights.deletion-receipt',
      subject,
      params: {
        number: request.number,
        received: iso(request.received_at),
        recipients: [...new Set(notices.map((n) => n.recipientName))].join('; '),
        kept: kept.join('; '),
        windowDays: String(deps.config.rights.blindIndexRotationDays),
      },
      idempotencyKey: `rights.deletion-receipt:${request.id}`,
    });
    await sql`update rights_requests set step = 'receipt-queued', step_at = ${now}, receipt_message = ${receipt}::uuid where id = ${request.id}::uuid`.execute(trx);
    await addEvent(trx, request.id, 'recipients-told', ERASE_ACTOR, { notices: notices.length, delivered: notices.filter((n) => told.has(n.recipient)).length }, now);
    await addEvent(trx, request.id, 'receipt-queued', ERASE_ACTOR, {}, now);
  });
}

/** Compensation of step 1: the deletion stops and the account comes back, while nothing was shredded or mailed yet. */
export async function callOffDeletion(deps: RightsDeps, db: Db, requestId: string, actor: Actor): Promise<void> {
  const request = await requestById(db, requestId, true);
  if (request.kind !== 'deletion' || request.status !== 'in-progress' || request.step !== 'suspended' || request.subject_id === null) {
    throw new AppError('CONFLICT', `Request ${request.number} cannot be called off any more: its receipt is on its way or it is finished.`);
  }
  const ctx = holderContext(deps, db, actor);
  for (const holder of deps.holders()) await holder.resume?.(ctx, request.subject_id);
  await sql`update rights_requests set status = 'open', step = null, step_at = ${deps.now()} where id = ${requestId}::uuid`.execute(db);
  await closeRequest(deps, db, requestId, 'rejected', 'called-off', actor);
}

/** Queues the job again for a deletion whose job gave up (e.g. the processor was down for long). */
export async function retryDeletion(db: Db, request: RightsRequest, actor: Actor): Promise<void> {
  if (request.kind !== 'deletion' || request.status !== 'in-progress') throw new AppError('CONFLICT', `Request ${request.number} is not a deletion under way.`);
  await enqueue(db, ERASE_JOB, { requestId: request.id }, { maxAttempts: 20, uniqueKey: `${ERASE_JOB}:${request.id}` });
  await addEvent(db, request.id, 'retried', actor);
}
