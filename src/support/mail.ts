// The requester's mail, under the purpose `support`, to the address they gave with the ticket
// (address ref `ticket:<id>`). The subject line carries the reference in brackets, so a reply by
// mail finds its ticket (POST /mail/inbound). Parameters are the reference and the thread link
// (sealed in the outbox: it opens a visitor's thread); the name and staff's answer are read
// through the kernel when the mail is sent, so the answer's text never sits in the outbox.
import { type MailTemplate, queueMail, paragraphTemplate, param as p } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { messageRef, NAME, SUPPORT_PURPOSE, TEXT, ticketRef } from './refs.ts';

const RECEIVED = 'support.received';
const REPLY = 'support.reply';

const greeting = (name: unknown) => (typeof name === 'string' && name !== '' ? `Hello ${name},` : 'Hello,');

export const receivedMail: MailTemplate = {
  ...paragraphTemplate(
    RECEIVED,
    ['reference', 'link'],
    (i) => `[${p(i, 'reference')}] We received your message`,
    (i) => [
      greeting(i.personal[NAME]),
      `Thank you for writing to ${i.shop.name}. Your request has the reference ${p(i, 'reference')}; we answer it as soon as we can, by email or by phone as you asked.`,
      `You can follow the conversation and add to it here: ${p(i, 'link')}`,
      'You can also answer this mail: keep the reference in the subject line. Please never send card or social security numbers: we do not need them, and we remove what looks like one.',
    ],
    'Acknowledgement of a support request',
    ['link'],
  ),
  personal: [NAME],
};

export const replyMail: MailTemplate = {
  ...paragraphTemplate(
    REPLY,
    ['reference', 'link'],
    (i) => `[${p(i, 'reference')}] Our answer to your message`,
    (i) => {
      const text = i.personal[TEXT];
      // Nothing to send without the text (it lapsed or was erased since): fail rather than mail an empty answer.
      if (typeof text !== 'string' || text === '') throw new Error('the answer is no longer held');
      return [...text.split(/\n\s*\n/), `To answer, reply to this mail keeping ${p(i, 'reference')} in the subject, or write here: ${p(i, 'link')}`];
    },
    'Our answer to a support request',
    ['link'],
  ),
  personal: [TEXT],
};

export const supportTemplates: readonly MailTemplate[] = [receivedMail, replyMail];

export function queueReceived(kernel: PrivacyKernel, db: Db, t: { id: string; subject: string; reference: string; link: string }): Promise<string> {
  return queueMail(
    db,
    {
      subject: t.subject,
      purpose: SUPPORT_PURPOSE,
      template: receivedMail,
      params: { reference: t.reference, link: t.link },
      addressRef: ticketRef(t.id),
      personal: [NAME],
      personalRef: ticketRef(t.id),
      idempotencyKey: `${RECEIVED}:${t.id}`,
    },
    { kernel },
  );
}

export function queueReply(kernel: PrivacyKernel, db: Db, t: { id: string; subject: string; reference: string; n: number; link: string }): Promise<string> {
  return queueMail(
    db,
    {
      subject: t.subject,
      purpose: SUPPORT_PURPOSE,
      template: replyMail,
      params: { reference: t.reference, link: t.link },
      addressRef: ticketRef(t.id),
      personal: [TEXT],
      personalRef: messageRef(t.id, t.n),
      idempotencyKey: `${REPLY}:${t.id}:${t.n}`,
    },
    { kernel },
  );
}
