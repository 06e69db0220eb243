// The testimonials module's mails: the takedown link to the person (under data-rights, the link
// sealed in the outbox) and the two alerts to staff who handle takedowns (under account). The
// parameters are times and links, never the words, the name or the company.
import { type MailTemplate, paragraphTemplate, param as p } from '../comms/index.ts';

export const linkMail: MailTemplate = paragraphTemplate(
  'testimonials.takedown-link',
  ['link'],
  (i) => `Remove your testimonial or listing at ${i.shop.name}`,
  (i) => [
    `Someone, we hope you, asked us to remove from our site a testimonial or customer listing that carries your consent. To remove it now, open this link (it works for 48 hours) and press the button:`,
    p(i, 'link'),
    'It takes effect at once: your words, name or company leave our site in that moment, and we remove any copy elsewhere (brochures, social posts) within 24 hours.',
    'If it was not you, do nothing: without the button nothing changes.',
  ],
  'The link to remove your testimonial or listing',
  ['link'],
);

export const takedownMail: MailTemplate = paragraphTemplate(
  'testimonials.takedown',
  ['deadline', 'link'],
  () => 'Takedown: remove copies of a testimonial or listing within 24 hours',
  (i) => [
    'A person withdrew their consent to a testimonial or customer listing. It is already gone from the site.',
    `Every copy elsewhere (brochures, slides, social posts, the press kit) must be removed by ${p(i, 'deadline')}. List the places in the case and tick each off as it goes:`,
    p(i, 'link'),
  ],
  'A takedown request: copies to remove within 24 hours',
);

export const overdueMail: MailTemplate = paragraphTemplate(
  'testimonials.takedown-overdue',
  ['deadline', 'link'],
  () => 'OVERDUE: a takedown case passed its 24-hour deadline',
  (i) => [
    `A takedown case was due by ${p(i, 'deadline')} and is not resolved: copies of a testimonial or listing may still be out there against the person's wish.`,
    `Remove them now and tick them off: ${p(i, 'link')}`,
  ],
  'A takedown case is overdue',
);

export const testimonialsTemplates: MailTemplate[] = [linkMail, takedownMail, overdueMail];
