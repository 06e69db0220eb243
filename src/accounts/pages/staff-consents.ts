// The console form where support, an owner or the privacy officer records a consent or withdrawal a
// customer gave by mail, phone, letter or in person, with its evidence (decision 0030).
import { html } from '../../web/template.ts';
import type { Page } from './customer.ts';
import { form, errorSummary, input, type FormState } from '../../web/form.ts';

const labels: Record<string, string> = { subject: 'Customer reference', purpose: 'Use', action: 'Change', channel: 'How the customer said it', evidence: 'Evidence' };

function select(state: FormState, name: string, options: readonly { value: string; label: string }[]) {
  const chosen = state.values?.[name] ?? '';
  const error = state.errors?.[name];
  return html`<p class="field${error ? ' field-error' : ''}"><label for="f-${name}">${labels[name] ?? name}</label>
<select id="f-${name}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ''}>${options.map((o) => html`<option value="${o.value}"${o.value === chosen ? html` selected` : ''}>${o.label}</option>`)}</select>
${error ? html`<span class="error" id="f-${name}-error">${error}</span>` : ''}</p>`;
}

export function staffConsentPage(o: { state: FormState; purposes: readonly { id: string; name: string }[]; notice?: string }): Page {
  return {
    audience: 'staff',
    title: 'Record a customer’s consent',
    body: html`<section class="console"><h1>Record a customer’s consent</h1>
<p>When a customer gives or withdraws consent by mail, phone, letter or in person, record it here with what proves it (the call reference, the letter’s date, the signed form). It takes effect at once and the privacy officer reviews it. Only support, owners and the privacy officer may record; find the customer’s reference on <a href="/staff/customers">Find a customer</a>.</p>
${o.notice ? html`<div class="notice" role="status"><p>${o.notice}</p></div>` : ''}
${errorSummary(o.state, labels)}
${form(
  { action: '/staff/consents', csrf: o.state.csrf, className: 'account-form' },
  html`

${input(o.state, { name: 'subject', label: labels.subject!, maxlength: 36, autocomplete: 'off' })}
${select(
  o.state,
  'purpose',
  o.purposes.map((p) => ({ value: p.id, label: p.name })),
)}
${select(o.state, 'action', [
  { value: 'grant', label: 'gives consent' },
  { value: 'withdraw', label: 'withdraws consent' },
])}
${select(o.state, 'channel', [
  { value: 'phone', label: 'by phone' },
  { value: 'email', label: 'by email' },
  { value: 'paper', label: 'on paper' },
  { value: 'in-person', label: 'in person' },
])}
${input(o.state, { name: 'evidence', label: labels.evidence!, maxlength: 2000, autocomplete: 'off' })}
<p><button type="submit">Record</button></p>
`,
)}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}
