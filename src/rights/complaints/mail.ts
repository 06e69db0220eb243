// The complainant's mail, under the purpose `data-rights` (the shop must answer: sent even to a
// deactivated account or a person who opted out of offers). It goes to the address they gave with
// the complaint (address ref `complaint:<id>`). Parameters are the case number and dates; the
// name and the privacy officer's reply are read through the kernel when the mail is sent, so the
// reply's text never sits in the outbox or a job payload.
import { type MailTemplate, queueMail, paragraphTemplate, param as p } from '../../comms/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { COMPLAINT_PURPOSE, complaintRef, NAME, replyRef, TEXT } from './refs.ts';

const RECEIVED = 'rights.complaint-received';
const REPLY = 'rights.complaint-reply';

const greeting = (name: unknown) => (typeof name === 'string' && name !== '' ? `Dear ${name},` : '');

const received: MailTemplate = {
  ...paragraphTemplate(
    RECEIVED,
    ['number', 'received', 'due'],
    (i) => `We received your complaint ${p(i, 'number')}`,
    (i) => [
      greeting(i.personal[NAME]),
      `Thank you for telling us. We received your complaint on ${p(i, 'received')} and gave it the number ${p(i, 'number')}.`,
      `What happens next: our privacy officer reads it, looks into what happened and answers you at this address by ${p(i, 'due')} at the latest. If we need to know more, we write to you first.`,
      `Please quote ${p(i, 'number')} if you write to us about it. If you are not satisfied with our answer, you may also complain to the data protection authority where you live.`,
    ],
    'Acknowledgement of your complaint',
  ),
  personal: [NAME],
};

const reply: MailTemplate = {
  ...paragraphTemplate(
    REPLY,
    ['number'],
    (i) => `Our answer to your complaint ${p(i, 'number')}`,
    (i) => {
      const reply = i.personal[TEXT];
      // Nothing to send without the text (it lapsed or was erased since): fail rather than mail an empty answer.
      if (typeof reply !== 'string' || reply === '') throw new Error('the reply is no longer held');
      return [
        `About your complaint ${p(i, 'number')}, our privacy officer writes:`,
        ...reply.split(/\n\s*\n/),
        `If this does not settle it, write to our privacy officer (${i.shop.url}/privacy/contact) quoting ${p(i, 'number')}.`,
      ];
    },
    'Our answer to your complaint',
  ),
  personal: [TEXT],
};

export const complaintTemplates: readonly MailTemplate[] = [received, reply];

/** The acknowledgement of a new complaint, greeting the person by the name they gave. */
export function queueAcknowledgement(db: Db, c: { id: string; subject: string; number: string; received: string; due: string }): Promise<string> {
  return queueMail(db, {
    subject: c.subject,
    purpose: COMPLAINT_PURPOSE,
    template: received,
    params: { number: c.number, received: c.received, due: c.due },
    addressRef: complaintRef(c.id),
    personal: [NAME],
    personalRef: complaintRef(c.id),
    idempotencyKey: `${RECEIVED}:${c.id}`,
  });
}

/** Reply `n` of a complaint, its text read from the kernel at send time. */
export function queueReply(db: Db, c: { id: string; subject: string; number: string; n: number }): Promise<string> {
  return queueMail(db, {
    subject: c.subject,
    purpose: COMPLAINT_PURPOSE,
    template: reply,
    params: { number: c.number },
    addressRef: complaintRef(c.id),
    personal: [TEXT],
    personalRef: replyRef(c.id, c.n),
    idempotencyKey: `${REPLY}:${c.id}:${c.n}`,
  });
}
