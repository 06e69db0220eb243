// The quotes module's mails: the acknowledgement of a request, the quote itself (a link to the
// printable document) and the staff's follow-up reminder. The requester's mails are transactional
// under `quotes`, sent to the address typed on the form (kernel ref `quote:<case>`); their links
// carry the case's token, sealed in the outbox.
import { type MailTemplate, paragraphTemplate, param as p } from '../comms/index.ts';

export const NAME = 'user.name';
export const EMAIL = 'user.contact.email';
export const PHONE = 'user.contact.phone_number';
export const ORGANISATION = 'user.contact.organization';
export const CONTENT = 'user.content.private';
export const REQUEST_CATEGORIES = [NAME, EMAIL, PHONE, ORGANISATION, CONTENT] as const;

const greeting = (name: unknown) => (typeof name === 'string' && name !== '' ? `Hello ${name},` : 'Hello,');

export const requestReceivedMail: MailTemplate = {
  ...paragraphTemplate(
    'quotes.received',
    ['number', 'link'],
    (i) => `We received your quote request ${p(i, 'number')}`,
    (i) => [
      greeting(i.personal[NAME]),
      `Thank you for asking ${i.shop.name} for a quote (request ${p(i, 'number')}). Our sales team will prepare it and may contact you with questions about the system to quote for.`,
      `See your request, and later the quote, here: ${p(i, 'link')}`,
      'The same page removes your request and everything you gave us with it, at any time. Without that, we keep it one year.',
    ],
    'Quote request received',
    ['link'],
  ),
  personal: [NAME],
};

export const quoteSentMail: MailTemplate = {
  ...paragraphTemplate(
    'quotes.quote',
    ['number', 'validUntil', 'link'],
    (i) => `Your quote ${p(i, 'number')} from ${i.shop.name}`,
    (i) => [
      greeting(i.personal[NAME]),
      `Your quote for request ${p(i, 'number')} is ready. It is valid until ${p(i, 'validUntil')}.`,
      `Read and print it here: ${p(i, 'link')}`,
      'Reply to this mail or call us with any question. The same page removes your request at any time.',
    ],
    'Quote ready',
    ['link'],
  ),
  personal: [NAME],
};

export const followUpDueMail: MailTemplate = paragraphTemplate(
  'quotes.follow-up-due',
  ['number', 'due', 'link'],
  (i) => `Follow up quote request ${p(i, 'number')}`,
  (i) => [`Quote request ${p(i, 'number')} is due for a follow-up (${p(i, 'due')}).`, `Open the case: ${p(i, 'link')}`],
  'Quote follow-up due (staff)',
);
