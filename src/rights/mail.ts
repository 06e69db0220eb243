// The rights module's mail. The person's own mail goes under the purpose `data-rights` (the shop
// must answer requests: not marketing, sent even to a deactivated account); the reminders to
// staff under `account`. Parameters are request numbers, dates, counts and links with opaque
// tokens, never personal data.
import { type MailTemplate, queueMail, type SecretSealer, paragraphTemplate, param as p } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';

export const RIGHTS_PURPOSE = 'data-rights';

export const rightsTemplates: MailTemplate[] = [
  paragraphTemplate(
    'rights.deletion-receipt',
    ['number', 'received', 'recipients', 'kept', 'windowDays'],
    (i) => `Your account at ${i.shop.name} is deleted`,
    (i) => [
      `As you asked (request ${p(i, 'number')}, received ${p(i, 'received')}), we are deleting your account and every piece of personal data we hold about you. By the time you read this, it is done: this is the last message we send to this address, and then we forget it.`,
      p(i, 'recipients')
        ? `These recipients received some of your data for your orders; we have told each of them to erase it: ${p(i, 'recipients')}.`
        : 'No other company received your data from us.',
      p(i, 'kept') ? `What we keep, without your name, address or email, because the law requires it: ${p(i, 'kept')}.` : '',
      `Your data was encrypted under a key of its own, and that key is now destroyed: no copy of our database, backups included, can be read for you again. Within ${p(i, 'windowDays')} days no backup can even confirm that your email address was ever here.`,
      'If you did not ask for this, answer this mail at once.',
    ],
    'Receipt for the deletion of your account',
  ),
  paragraphTemplate(
    'rights.verify-request',
    ['number', 'kind', 'link', 'due'],
    (i) => `Confirm your request to ${i.shop.name}`,
    (i) => [
      `We received a request about the personal data of the person with this email address: ${p(i, 'kind')} (request ${p(i, 'number')}).`,
      `If it was you, confirm it by opening this link: ${p(i, 'link')}`,
      `We answer it by ${p(i, 'due')} at the latest. If you did not make this request, ignore this mail: nothing happens without the confirmation.`,
    ],
    'Confirm your request about your data',
    ['link'],
  ),
  paragraphTemplate(
    'rights.export-ready',
    ['number', 'link', 'expires'],
    (i) => `Your data at ${i.shop.name}`,
    (i) => [
      `As you asked (request ${p(i, 'number')}), here is the link to everything we hold about you, as a page to read and as a file (JSON) to keep or take elsewhere: ${p(i, 'link')}`,
      `The link works until ${p(i, 'expires')}. Anyone with it can see your data, so do not pass it on.`,
    ],
    'Your copy of your data',
    ['link'],
  ),
  paragraphTemplate(
    'rights.request-due',
    ['number', 'kind', 'due', 'link'],
    (i) => `Request ${p(i, 'number')} is due on ${p(i, 'due')}`,
    (i) => [`A data-subject request (${p(i, 'kind')}) must be answered by ${p(i, 'due')}.`, `Open it in the staff console: ${p(i, 'link')}`],
    'A data-subject request is due soon',
  ),
  paragraphTemplate(
    'rights.request-overdue',
    ['number', 'kind', 'due', 'link'],
    (i) => `OVERDUE: request ${p(i, 'number')} was due on ${p(i, 'due')}`,
    (i) => [`A data-subject request (${p(i, 'kind')}) has passed its legal deadline of ${p(i, 'due')} without an answer.`, `Handle it now, and record why it is late: ${p(i, 'link')}`],
    'A data-subject request is overdue',
  ),
  // A new use of data already held (decision 0053): told once, with the choice, before any use.
  paragraphTemplate(
    'rights.new-use',
    ['use', 'description', 'version', 'effective', 'window', 'choices', 'policy'],
    (i) => `A new use of your data at ${i.shop.name}: ${p(i, 'use')}`,
    (i) => [
      `Our privacy policy of ${p(i, 'effective')} (version ${p(i, 'version')}) adds a use of personal data you gave us before: ${p(i, 'use')}. ${p(i, 'description')}`,
      p(i, 'window')
        ? `We will not use your earlier data for it until ${p(i, 'window')} days after this mail, and never if you turn it off before or after. If you want it sooner, agree in your privacy centre.`
        : 'We will not use your earlier data for it unless you agree.',
      `Agree or turn it off in your privacy centre (sign in first): ${p(i, 'choices')}`,
      `What the policy says: ${p(i, 'policy')}`,
    ],
    'A new use of your data: your choice',
  ),
  // The sale of the shop (decision 0053): at least 30 days before, to every active customer.
  paragraphTemplate(
    'rights.transfer-notice',
    ['acquirer', 'date', 'newUse', 'choices', 'policy'],
    (i) => `${i.shop.name} is being sold to ${p(i, 'acquirer')} on ${p(i, 'date')}`,
    (i) => [
      `On ${p(i, 'date')} ${i.shop.name} passes to ${p(i, 'acquirer')}, and with it the records of its customers: your name, contact details and what you bought. Nothing passes before that date.`,
      p(i, 'newUse') ? `${p(i, 'acquirer')} will use them differently from us: ${p(i, 'newUse')}` : `${p(i, 'acquirer')} will use them as our privacy policy says today.`,
      `If you do not want your records to pass, turn off "New owner of the shop" in your privacy centre before ${p(i, 'date')} (sign in first): ${p(i, 'choices')}. You can also delete your account there.`,
      `What the policy says: ${p(i, 'policy')}`,
    ],
    'The shop is being sold: your choice',
  ),
];

export type RightsTemplate =
  | 'rights.transfer-notice'
  | 'rights.new-use'
  | 'rights.deletion-receipt'
  | 'rights.verify-request'
  | 'rights.export-ready'
  | 'rights.request-due'
  | 'rights.request-overdue';

function rightsTemplate(name: RightsTemplate): MailTemplate {
  const found = rightsTemplates.find((t) => t.name === name);
  if (!found) throw new Error(`rights: no mail template named ${name}`);
  return found;
}

/** Queues one of the rights mails to a person (the address is read at send time); a mail with a link needs the kernel, which seals it. */
export function queueRightsMail(
  db: Db,
  mail: { template: RightsTemplate; subject: string; params: Record<string, string>; idempotencyKey?: string; purpose?: string; kernel?: SecretSealer },
): Promise<string> {
  return queueMail(
    db,
    {
      subject: mail.subject,
      purpose: mail.purpose ?? RIGHTS_PURPOSE,
      template: rightsTemplate(mail.template),
      params: mail.params,
      ...(mail.idempotencyKey ? { idempotencyKey: mail.idempotencyKey } : {}),
    },
    mail.kernel ? { kernel: mail.kernel } : {},
  );
}
