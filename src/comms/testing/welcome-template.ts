// A template for the comms tests (registered on import): a greeting with the person's name and
// a confirmation link, in text and HTML.
import { html } from '../../web/template.ts';
import { registerTemplate } from '../outbox.ts';

export const WELCOME = 'test.welcome';

registerTemplate({
  name: WELCOME,
  params: ['link'],
  personal: ['user.name'],
  render: ({ params, personal, shop }) => ({
    subject: `Welcome to ${shop.name}`,
    text: `Hello ${String(personal['user.name'])},\n\nplease confirm: ${params.link}\n`,
    html: html`<p>Hello ${String(personal['user.name'])},</p><p><a href="${String(params.link)}">Confirm</a></p>`,
  }),
});
