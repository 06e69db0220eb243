// Filing a complaint (P002-24, P003-25), in the caller's transaction: the case with its number and
// deadline, what the person wrote as kernel items of the complainant, and the acknowledgement mail.
//
// Who the complainant is: a signed-in customer files on their own subject. Anyone else gets a new
// subject of kind `correspondent`, even when the email they type is a customer's: the form proves
// nobody's identity, so attaching it to that customer would let anyone put words into another
// person's file (their export, their privacy centre, a later erasure) by typing their address.
//
// A correspondent has no account, so nobody signs in to see, correct or delete these items. They
// lapse with the retention of `data-rights` items (datamap/retention.yml; no rule names that
// purpose, so the default period applies): the kernel's sweep deletes them then, and the case row
// and its history stay, with no words behind them. The email has a blind index, so a
// correspondent who asks to be forgotten sooner can be found by it and erased (the rights holder
// then unlinks the case).
import type { Db } from '../../platform/db/database.ts';
import { selfActor, systemActor } from '../../privacy/index.ts';
import type { RightsDeps } from '../deps.ts';
import type { ComplaintChannel } from '../tables.ts';
import { addComplaintEvent, insertComplaint, newComplaintId, type Complaint } from './cases.ts';
import type { ComplaintInput } from './input.ts';
import { queueAcknowledgement } from './mail.ts';
import { COMPLAINT_PURPOSE, complaintRef, EMAIL, NAME, orderRef, TEXT } from './refs.ts';

/** Creates the subject of a complaint filed without signing in. */
export const COMPLAINT_FORM_ACTOR = systemActor('rights.complaint-form');
const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

export async function fileComplaint(
  deps: RightsDeps,
  db: Db,
  input: { complaint: ComplaintInput; channel: ComplaintChannel; signedInSubject: string | null; acknowledge?: boolean },
): Promise<Complaint> {
  const now = deps.now();
  const subject = input.signedInSubject ?? (await deps.kernel.createSubject(db, { kind: 'correspondent', actor: COMPLAINT_FORM_ACTOR, purpose: COMPLAINT_PURPOSE }));
  const complaint = await insertComplaint(db, {
    id: newComplaintId(),
    subject,
    filedBy: input.signedInSubject ? 'customer' : 'correspondent',
    channel: input.channel,
    receivedAt: now,
    dueAt: new Date(now.getTime() + deps.config.rights.deadlineDays * DAY_MS),
  });
  // The person gives their own data: a new correspondent's subject acts as itself from here on.
  const person = selfActor(subject);
  const { name, email, text, orderNumber } = input.complaint;
  await deps.kernel.write(db, { subject, actor: person, purpose: COMPLAINT_PURPOSE, ref: complaintRef(complaint.id), values: { [NAME]: name, [EMAIL]: email, [TEXT]: text } });
  if (orderNumber) await deps.kernel.write(db, { subject, actor: person, purpose: COMPLAINT_PURPOSE, ref: orderRef(complaint.id), values: { [TEXT]: orderNumber } });
  await addComplaintEvent(db, complaint.id, 'received', person, now, { channel: input.channel, filed_by: complaint.filed_by, order_given: orderNumber !== '' });
  // Past the allowance of mail anyone can trigger (decision 0029) the complaint is filed all the
  // same; only the acknowledgement is not sent (the page and the API answer give its number).
  if (input.acknowledge === false) return complaint;
  const message = await queueAcknowledgement(db, { id: complaint.id, subject, number: complaint.number, received: day(now), due: day(new Date(complaint.due_at)) });
  await addComplaintEvent(db, complaint.id, 'acknowledged', COMPLAINT_FORM_ACTOR, now, { message });
  return complaint;
}
