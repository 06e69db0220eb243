// Form pieces every account page shares: the CSRF field, a labelled input with its error next to
// it, and the summary of errors at the top. Works without JavaScript; errors name the field.
import { html, type SafeHtml } from '../../web/template.ts';
import { CSRF_FIELD } from '../csrf.ts';

export interface FormState {
  csrf: string;
  /** What the visitor typed (never passwords), to fill the form again. */
  values?: Record<string, string>;
  /** Errors by input name; '' is an error of the whole form. */
  errors?: Record<string, string>;
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
}

export interface InputSpec {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'hidden';
  autocomplete?: string;
  maxlength?: number;
  hint?: string;
}

export function input(state: FormState, spec: InputSpec): SafeHtml {
  const type = spec.type ?? 'text';
  const value = type === 'password' ? '' : (state.values?.[spec.name] ?? '');
  const error = state.errors?.[spec.name];
  const id = `f-${spec.name}`;
  const describedBy = [spec.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<p class="field${error ? ' field-error' : ''}">
<label for="${id}">${spec.label}</label>
${spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''}
<input id="${id}" name="${spec.name}" type="${type}" required${spec.maxlength ? html` maxlength="${spec.maxlength}"` : ''}${spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''}${value ? html` value="${value}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}>
${error ? html`<span class="error" id="${id}-error">${error}</span>` : ''}
</p>`;
}

export function errorSummary(state: FormState, labels: Record<string, string>): SafeHtml | '' {
  const errors = Object.entries(state.errors ?? {});
  if (errors.length === 0) return '';
  return html`<div class="form-errors" role="alert"><p>Please check the form:</p><ul>${errors.map(([name, message]) =>
    name === '' ? html`<li>${message}</li>` : html`<li><a href="#f-${name}">${labels[name] ?? name}</a>: ${message}</li>`,
  )}</ul></div>`;
}
