// The mailing module's two mails: the confirmation link of a mailing-list signup (transactional,
// under `mailing-list-signup`, the link sealed in the outbox) and a campaign's message (marketing:
// comms adds the unsubscribe headers and link, and reads the address under the campaign's purpose
// at send time, so a withdrawal before then stops it).
import { html } from '../web/template.ts';
import { linkify, mailLayout, type MailTemplate, paragraphTemplate, param as p } from '../comms/index.ts';

export const NAME = 'user.name';
export const EMAIL = 'user.contact.email';

const greeting = (name: unknown) => (typeof name === 'string' && name !== '' ? `Hello ${name},` : 'Hello,');

export const confirmMail: MailTemplate = {
  ...paragraphTemplate(
    'mailing.confirm',
    ['link'],
    (i) => `Confirm that you want mail from ${i.shop.name}`,
    (i) => [
      greeting(i.personal[NAME]),
      `Someone, we hope you, asked to join the mailing list of ${i.shop.name} with this address. To get our newsletter and product updates, confirm it here (the link works for seven days):`,
      p(i, 'link'),
      'If it was not you, do nothing: without the confirmation we send nothing more and forget the name and address within a week.',
    ],
    'Confirmation of your mailing-list signup',
    ['link'],
  ),
  personal: [NAME],
};

export const campaignMail: MailTemplate = {
  name: 'mailing.campaign',
  title: 'Newsletter or offer',
  kind: 'marketing',
  params: ['subjectLine', 'body'],
  personal: [NAME],
  render(i) {
    const paragraphs = [greeting(i.personal[NAME]), ...p(i, 'body').split(/\r?\n\s*\r?\n/)].map((x) => x.trim()).filter((x) => x !== '');
    const subject = p(i, 'subjectLine');
    return {
      subject,
      text: `${paragraphs.join('\n\n')}\n\n${i.shop.name}\n${i.shop.url}\n`,
      html: mailLayout(i.shop, subject, html`${paragraphs.map((x) => html`<p style="margin:0 0 16px">${linkify(x)}</p>`)}`),
    };
  },
};

/** A material change of the privacy policy (P004-23): what changed, from when, and where to read it. */
export const policyChangeMail: MailTemplate = {
  name: 'mailing.policy-change',
  title: 'Privacy policy change',
  kind: 'marketing',
  params: ['version', 'day', 'summary'],
  personal: [NAME],
  render(i) {
    const subject = `Our privacy policy changes: version ${p(i, 'version')}`;
    const link = `${i.shop.url}/privacy#changes`;
    const paragraphs = [
      greeting(i.personal[NAME]),
      `${i.shop.name} published a new version of its privacy policy, version ${p(i, 'version')}, in force from ${p(i, 'day')}. What changed:`,
      p(i, 'summary'),
      `Read the policy and all its versions here: ${link}`,
    ];
    return {
      subject,
      text: `${paragraphs.join('\n\n')}\n\n${i.shop.name}\n${i.shop.url}\n`,
      html: mailLayout(i.shop, subject, html`${paragraphs.map((x) => html`<p style="margin:0 0 16px">${linkify(x)}</p>`)}`),
    };
  },
};

/** Once a year to everyone who receives offers (P002-09): the reminder that they can stop them; comms adds the one-click link. */
export const offerReminderMail: MailTemplate = {
  name: 'mailing.offer-reminder',
  title: 'Yearly reminder: you can stop our offers',
  kind: 'marketing',
  params: [],
  personal: [NAME],
  render(i) {
    const subject = `Do you still want offers from ${i.shop.name}?`;
    const paragraphs = [
      greeting(i.personal[NAME]),
      `As a customer of ${i.shop.name} you receive our offers and site news. Once a year we remind you that you can stop them at any time: the link at the bottom of this mail does it in one click, without signing in.`,
      `Your other choices are in your privacy centre: ${i.shop.url}/account/privacy`,
      'If you are happy to keep hearing from us, there is nothing to do.',
    ];
    return {
      subject,
      text: `${paragraphs.join('\n\n')}\n\n${i.shop.name}\n${i.shop.url}\n`,
      html: mailLayout(i.shop, subject, html`${paragraphs.map((x) => html`<p style="margin:0 0 16px">${linkify(x)}</p>`)}`),
    };
  },
};
