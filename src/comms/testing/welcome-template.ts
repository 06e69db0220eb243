// A template for the comms tests: a greeting with the person's name and a confirmation link, in
// text and HTML, and a module that declares it, for a test's shop or worker to add to its own.
import type { Module } from '../../platform/module.ts';
import { html } from '../../web/template.ts';
import type { MailTemplate } from '../templates.ts';

export const WELCOME: MailTemplate = {
  name: 'test.welcome',
  params: ['link'],
  personal: ['user.name'],
  render: ({ params, personal, shop }) => ({
    subject: `Welcome to ${shop.name}`,
    text: `Hello ${String(personal['user.name'])},\n\nplease confirm: ${params.link}\n`,
    html: html`<p>Hello ${String(personal['user.name'])},</p><p><a href="${String(params.link)}">Confirm</a></p>`,
  }),
};

export const welcomeModule: Module = { name: 'test-welcome', migrations: [], mailTemplates: [WELCOME] };
