// What the privacy officer does with a case, each in the caller's transaction with the case row
// locked: reply (stored as a kernel item of the complainant, mailed to them; the case is then
// answered), add an internal note (also a kernel item: it is about the person, so it is theirs to
// see in a copy of their data), close, reopen (with a new deadline: the person came back).
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Actor } from '../../privacy/index.ts';
import type { RightsDeps } from '../deps.ts';
import { addComplaintEvent, complaintByNumber, updateComplaint, type Complaint } from './cases.ts';
import { queueReply } from './mail.ts';
import { COMPLAINT_PURPOSE, complaintRef, EMAIL, noteRef, replyRef, TEXT } from './refs.ts';

const DAY_MS = 86_400_000;

/** The subject behind a case, or a conflict when the person was erased (the case stays, nobody to write to or about). */
function subjectOf(c: Complaint): string {
  if (c.subject_id === null) throw new AppError('CONFLICT', `The person behind complaint ${c.number} has been erased: the case stays as a record, with nobody to answer or write about.`);
  return c.subject_id;
}

export async function replyToComplaint(deps: RightsDeps, db: Db, input: { number: string; text: string; actor: Actor }): Promise<Complaint> {
  const c = await complaintByNumber(db, input.number, true);
  if (c.status === 'closed') throw new AppError('CONFLICT', `Complaint ${c.number} is closed: reopen it to answer.`);
  const subject = subjectOf(c);
  // No reply is stored that could not be sent: the address may have lapsed with its retention.
  const address = (await deps.kernel.read(db, { subject, actor: input.actor, purpose: COMPLAINT_PURPOSE, categories: [EMAIL], ref: complaintRef(c.id) })).values[EMAIL];
  if (typeof address !== 'string' || address === '') throw new AppError('CONFLICT', `We no longer hold the address complaint ${c.number} came from: there is nowhere to send an answer.`);
  const n = c.items + 1;
  const now = deps.now();
  await deps.kernel.write(db, { subject, actor: input.actor, purpose: COMPLAINT_PURPOSE, ref: replyRef(c.id, n), values: { [TEXT]: input.text } });
  const message = await queueReply(db, { id: c.id, subject, number: c.number, n });
  await updateComplaint(db, c.id, { items: n, status: 'answered' });
  await addComplaintEvent(db, c.id, 'replied', input.actor, now, { item: n, from: c.status, to: 'answered', message });
  return { ...c, items: n, status: 'answered' };
}

export async function noteOnComplaint(deps: RightsDeps, db: Db, input: { number: string; text: string; actor: Actor }): Promise<Complaint> {
  const c = await complaintByNumber(db, input.number, true);
  const subject = subjectOf(c);
  const n = c.items + 1;
  await deps.kernel.write(db, { subject, actor: input.actor, purpose: COMPLAINT_PURPOSE, ref: noteRef(c.id, n), values: { [TEXT]: input.text } });
  await updateComplaint(db, c.id, { items: n });
  await addComplaintEvent(db, c.id, 'note', input.actor, deps.now(), { item: n });
  return { ...c, items: n };
}

export async function closeComplaint(deps: RightsDeps, db: Db, input: { number: string; actor: Actor }): Promise<Complaint> {
  const c = await complaintByNumber(db, input.number, true);
  if (c.status === 'closed') throw new AppError('CONFLICT', `Complaint ${c.number} is already closed.`);
  const now = deps.now();
  await updateComplaint(db, c.id, { status: 'closed', closed_at: now });
  await addComplaintEvent(db, c.id, 'closed', input.actor, now, { from: c.status, to: 'closed' });
  return { ...c, status: 'closed', closed_at: now };
}

export async function reopenComplaint(deps: RightsDeps, db: Db, input: { number: string; actor: Actor }): Promise<Complaint> {
  const c = await complaintByNumber(db, input.number, true);
  if (c.status !== 'closed') throw new AppError('CONFLICT', `Complaint ${c.number} is not closed.`);
  const now = deps.now();
  const due = new Date(now.getTime() + deps.config.rights.deadlineDays * DAY_MS);
  await updateComplaint(db, c.id, { status: 'open', closed_at: null, due_at: due });
  await addComplaintEvent(db, c.id, 'reopened', input.actor, now, { from: 'closed', to: 'open', due: due.toISOString() });
  return { ...c, status: 'open', closed_at: null, due_at: due };
}
