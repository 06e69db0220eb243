// "Your statement is ready": the month and a link to the statement in the account, nothing of the
// usage itself (no CPNI in mail). Sent under `billing`; the name is read at send time.
import { linkify, mailLayout, type MailTemplate, param as p } from '../comms/index.ts';
import { html } from '../web/template.ts';

const NAME = 'user.name';

export const statementReadyMail: MailTemplate = {
  name: 'telecom.statement-ready',
  title: 'Your phone statement is ready',
  params: ['month'],
  personal: [NAME],
  render(i) {
    const month = p(i, 'month');
    const name = i.personal[NAME];
    const subject = `Your ${i.shop.name} statement for ${month} is ready`;
    const link = `${i.shop.url}/account/telecom/statements/${month}`;
    const paragraphs = [
      typeof name === 'string' && name !== '' ? `Hello ${name},` : 'Hello,',
      `Your statement for ${month} is ready in your account: the plan charge, and the calls, messages and data of each of your lines.`,
      `Read it here (sign in first): ${link}`,
      'For your privacy this mail carries none of your usage.',
    ];
    return {
      subject,
      text: `${paragraphs.join('\n\n')}\n\n${i.shop.name}\n${i.shop.url}\n`,
      html: mailLayout(i.shop, subject, html`${paragraphs.map((x) => html`<p style="margin:0 0 16px">${linkify(x)}</p>`)}`),
    };
  },
};
