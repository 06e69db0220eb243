// Form pieces every page shares: the CSRF field, labelled inputs with their error next to them,
// and the summary of errors at the top. Works without JavaScript; errors name the field.
import { attrs } from './attrs.ts';
import { html, type SafeHtml } from './template.ts';

/** The form field that carries the CSRF token (checked by one hook, src/accounts/plugin.ts). */
export const CSRF_FIELD = '_csrf';

export interface FormState {
  csrf: string;
  /** What the visitor typed (never passwords), to fill the form again. */
  values?: Record<string, string>;
  /** Errors by input name; '' is an error of the whole form. */
  errors?: Record<string, string>;
}

function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
}

export interface FormSpec {
  action: string;
  /** The visitor's CSRF token (`app.accounts.formToken`); the hidden field is written here and nowhere else. */
  csrf: string;
  /** Default post. A get form (a search) carries no token. */
  method?: 'post' | 'get';
  className?: string;
  /** Leave checking to the server, which names every wrong field at once. */
  novalidate?: boolean;
  /** Hidden fields (ids the form acts on). */
  hidden?: Readonly<Record<string, string>>;
  /** A form that uploads a file. */
  enctype?: 'multipart/form-data';
}

/** A form with its CSRF field and hidden fields; `body` is its fields and buttons. */
export function form(spec: FormSpec, body: SafeHtml | readonly SafeHtml[]): SafeHtml {
  const method = spec.method ?? 'post';
  return html`<form${attrs({ method, action: spec.action, enctype: spec.enctype, class: spec.className, novalidate: spec.novalidate })}>${method === 'post' ? csrfField(spec.csrf) : ''}${Object.entries(spec.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}${body}</form>`;
}

export interface InputSpec {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'hidden' | 'tel';
  autocomplete?: string;
  maxlength?: number;
  hint?: string;
  /** Default true. */
  required?: boolean;
  /** Default `f-<name>`: another one when two forms on a page share a field name. */
  id?: string;
}

/** The id, aria-describedby and error of a field, as every kind of field renders them. */
function fieldParts(state: FormState, spec: { name: string; hint?: string; id?: string }) {
  const id = spec.id ?? `f-${spec.name}`;
  const error = state.errors?.[spec.name];
  const describedBy = [spec.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    error,
    aria: html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}`,
    hint: spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : '',
    message: error ? html`<span class="error" id="${id}-error">${error}</span>` : '',
  };
}

export function input(state: FormState, spec: InputSpec): SafeHtml {
  const type = spec.type ?? 'text';
  const value = type === 'password' ? '' : (state.values?.[spec.name] ?? '');
  const f = fieldParts(state, spec);
  return html`<p class="field${f.error ? ' field-error' : ''}">
<label for="${f.id}">${spec.label}</label>
${f.hint}
<input id="${f.id}" name="${spec.name}" type="${type}"${spec.required === false ? '' : html` required`}${spec.maxlength ? html` maxlength="${spec.maxlength}"` : ''}${spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''}${value ? html` value="${value}"` : ''}${f.aria}>
${f.message}
</p>`;
}

export function textarea(state: FormState, spec: { name: string; label: string; maxlength: number; hint?: string; required?: boolean; rows?: number }): SafeHtml {
  const f = fieldParts(state, spec);
  return html`<p class="field${f.error ? ' field-error' : ''}">
<label for="${f.id}">${spec.label}</label>
${f.hint}
<textarea id="${f.id}" name="${spec.name}" rows="${spec.rows ?? 6}" maxlength="${spec.maxlength}"${spec.required === false ? '' : html` required`}${f.aria}>${state.values?.[spec.name] ?? ''}</textarea>
${f.message}
</p>`;
}

export interface Choice {
  value: string;
  label: string;
}

export function select(state: FormState, spec: { name: string; label: string; choices: readonly Choice[]; hint?: string; id?: string }): SafeHtml {
  const f = fieldParts(state, spec);
  const chosen = state.values?.[spec.name];
  return html`<p class="field${f.error ? ' field-error' : ''}">
<label for="${f.id}">${spec.label}</label>
${f.hint}
<select id="${f.id}" name="${spec.name}" required${f.aria}>${spec.choices.map((c) => html`<option value="${c.value}"${c.value === chosen ? html` selected` : ''}>${c.label}</option>`)}</select>
${f.message}
</p>`;
}

/** A group of radio buttons under a legend; the first error link of the summary points at the group. */
export function radios(state: FormState, spec: { name: string; legend: string; choices: readonly Choice[]; hint?: string }): SafeHtml {
  const f = fieldParts(state, spec);
  const chosen = state.values?.[spec.name];
  return html`<fieldset class="field${f.error ? ' field-error' : ''}" id="${f.id}"${f.aria}>
<legend>${spec.legend}</legend>
${f.hint}
${spec.choices.map((c, i) => html`<p><input type="radio" id="${f.id}-${i}" name="${spec.name}" value="${c.value}" required${c.value === chosen ? html` checked` : ''}> <label for="${f.id}-${i}">${c.label}</label></p>`)}
${f.message}
</fieldset>`;
}

export function errorSummary(state: FormState, labels: Record<string, string>): SafeHtml | '' {
  const errors = Object.entries(state.errors ?? {});
  if (errors.length === 0) return '';
  return html`<div class="form-errors" role="alert"><p>Please check the form:</p><ul>${errors.map(([name, message]) =>
    name === '' ? html`<li>${message}</li>` : html`<li><a href="#f-${name}">${labels[name] ?? name}</a>: ${message}</li>`,
  )}</ul></div>`;
}
