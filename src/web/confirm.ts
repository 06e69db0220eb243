// A weighty step without JavaScript: the first POST answers with this page, which states the
// consequence and posts the same fields again with `confirm=1`; only that second POST acts.
import { form } from './form.ts';
import type { Audience } from './layout.ts';
import type { Page } from './page.ts';
import { html, type SafeHtml } from './template.ts';

export const CONFIRM_FIELD = 'confirm';
const CONFIRMED = '1';

/** The body schema of a route whose only field is the confirmation (the first POST has none). */
export const confirmBody = { type: ['object', 'null'], additionalProperties: false, properties: { [CONFIRM_FIELD]: { type: 'string', enum: [CONFIRMED] } } } as const;

export interface ConfirmSpec {
  audience: Audience;
  title: string;
  /** What will happen, in plain words. */
  consequence: SafeHtml | string;
  action: string;
  csrf: string;
  /** The fields of the first POST, posted again. */
  fields?: Readonly<Record<string, string>>;
  /** More inputs the visitor fills on the confirmation page (a quantity). */
  extra?: SafeHtml;
  confirmLabel: string;
  cancelHref: string;
  cancelLabel?: string;
  danger?: boolean;
}

/** Whether a POST body is the confirmed second step. */
export function isConfirmed(body: unknown): boolean {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[CONFIRM_FIELD] : undefined;
  return value === CONFIRMED;
}

export function confirmDialog(spec: ConfirmSpec): Page {
  return {
    audience: spec.audience,
    title: spec.title,
    body: html`<section class="confirm-dialog" aria-labelledby="confirm-title">
<h1 id="confirm-title">${spec.title}</h1>
<p class="consequence">${spec.consequence}</p>
${form(
  { action: spec.action, csrf: spec.csrf, hidden: { ...spec.fields, [CONFIRM_FIELD]: CONFIRMED } },
  html`${spec.extra ?? ''}<p class="actions"><button type="submit"${spec.danger ? html` class="danger"` : ''}>${spec.confirmLabel}</button> <a href="${spec.cancelHref}">${spec.cancelLabel ?? 'Cancel'}</a></p>`,
)}
</section>`,
  };
}
