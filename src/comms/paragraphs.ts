// The common shape of a plain mail: a subject line and a few paragraphs, as text and as the same
// paragraphs in HTML (escaped by html``), signed with the shop's name and address. Most modules'
// mails are this; a mail that needs more (a receipt's table) writes its own `render`.
import { html } from '../web/template.ts';
import { linkify, mailLayout } from './layout.ts';
import type { MailTemplate, TemplateInput } from './templates.ts';

export function paragraphTemplate(
  name: string,
  params: readonly string[],
  subject: (i: TemplateInput) => string,
  paragraphs: (i: TemplateInput) => string[],
  title?: string,
  secretParams?: readonly string[],
): MailTemplate {
  return {
    name,
    params,
    ...(secretParams ? { secretParams } : {}),
    ...(title ? { title } : {}),
    render(input) {
      const text = paragraphs(input).filter((p) => p !== '');
      const line = subject(input);
      return {
        subject: line,
        text: `${text.join('\n\n')}\n\n${input.shop.name}\n${input.shop.url}\n`,
        html: mailLayout(input.shop, line, html`${text.map((p) => html`<p style="margin:0 0 16px">${linkify(p)}</p>`)}`),
      };
    },
  };
}

/** A template parameter as text ('' when absent). */
export const param = (i: TemplateInput, name: string): string => String(i.params[name] ?? '');
