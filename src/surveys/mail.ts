// The survey invitation (P004-17): marketing mail under `surveys` (consent), so only customers who
// turned surveys on receive it, a withdrawal before sending stops it, and it carries the one-click
// unsubscribe link. It says that answering is optional. The answer link is sealed in the outbox.
import { type MailTemplate, paragraphTemplate, param as p } from '../comms/index.ts';

export const NAME = 'user.name';

export const invitationMail: MailTemplate = {
  ...paragraphTemplate(
    'surveys.invite',
    ['title', 'intro', 'runBy', 'link'],
    (i) => `A short survey from ${i.shop.name}: ${p(i, 'title')}`,
    (i) => [
      typeof i.personal[NAME] === 'string' && i.personal[NAME] !== '' ? `Hello ${i.personal[NAME]},` : 'Hello,',
      p(i, 'intro'),
      'Answering is optional: you may skip any question, or all of them, and nothing changes for you either way. We use the answers to improve our service.',
      p(i, 'runBy'),
      `Answer here: ${p(i, 'link')}`,
    ],
    'Survey invitation',
    ['link'],
  ),
  kind: 'marketing',
  personal: [NAME],
};
