// The mails to service contacts (P004-08), all transactional under `monitoring`: the notice that
// they were added, an alert event, and the weekly report. Each carries the contact's own removal
// link (a sealed parameter, leave.ts). Nothing about the customer is in them: the shop, the
// service's reference and the equipment identify the site to the people who look after it.
import { type MailTemplate, paragraphTemplate, param as p } from '../comms/index.ts';

export const NAME = 'user.name';
export const EMAIL = 'user.contact.email';
export const PHONE = 'user.contact.phone_number';

const greeting = (name: unknown) => (typeof name === 'string' && name !== '' ? `Hello ${name},` : 'Hello,');
const leaveLine = (link: string) =>
  `You receive this because you are a contact of this monitoring service. To stop at once and have us erase your name and contact details, open this link (no sign-in): ${link}`;

export const contactAddedMail: MailTemplate = {
  ...paragraphTemplate(
    'services.contact-added',
    ['reference', 'equipment', 'leave'],
    (i) => `${i.shop.name}: you are a contact of a monitoring service`,
    (i) => [
      greeting(i.personal[NAME]),
      `${i.shop.name} added you, at the request of the customer who registered monitoring service ${p(i, 'reference')} (${p(i, 'equipment')}), as a contact who receives its monitoring reports and event alerts by mail.`,
      `We use your name, email and phone only for these reports and alerts. We never share them with anyone, and the customer cannot pass them on through us.`,
      `If you do not want to be a contact, open this link: it removes you at once and erases your details (no sign-in needed): ${p(i, 'leave')}`,
    ],
    'You were added as a monitoring contact',
    ['leave'],
  ),
  personal: [NAME],
};

export const alertMail: MailTemplate = {
  ...paragraphTemplate(
    'services.alert',
    ['reference', 'equipment', 'eventType', 'reading', 'occurredAt', 'leave'],
    (i) => `Alert: ${p(i, 'eventType')} on ${p(i, 'equipment')}`,
    (i) => [
      greeting(i.personal[NAME]),
      `Monitoring service ${p(i, 'reference')} (${p(i, 'equipment')}) reported an alert at ${p(i, 'occurredAt')}: ${p(i, 'eventType')}${p(i, 'reading') ? `, reading ${p(i, 'reading')}` : ''}.`,
      'Please check the equipment. The customer sees this event on their service page.',
      leaveLine(p(i, 'leave')),
    ],
    'Monitoring alert',
    ['leave'],
  ),
  personal: [NAME],
};

export const reportMail: MailTemplate = {
  ...paragraphTemplate(
    'services.report',
    ['reference', 'equipment', 'from', 'to', 'info', 'warnings', 'alerts', 'leave'],
    (i) => `Weekly monitoring report: ${p(i, 'equipment')}`,
    (i) => [
      greeting(i.personal[NAME]),
      `The monitoring report of service ${p(i, 'reference')} (${p(i, 'equipment')}) for ${p(i, 'from')} to ${p(i, 'to')}: ${p(i, 'alerts')} alerts, ${p(i, 'warnings')} warnings and ${p(i, 'info')} other readings.`,
      leaveLine(p(i, 'leave')),
    ],
    'Weekly monitoring report',
    ['leave'],
  ),
  personal: [NAME],
};
