// The vendor portal's sign-in and its set-password page; the portal's pages are the vendors module's.
import { html } from '../../web/template.ts';
import type { Page } from './customer.ts';
import { form, errorSummary, input, type FormState } from '../../web/form.ts';

const labels: Record<string, string> = { email: 'Email', password: 'Password', new_password: 'New password' };

export function vendorLoginPage(state: FormState): Page {
  return {
    audience: 'vendor',
    title: 'Vendor sign-in',
    body: html`<section class="account-form"><h1>Vendor portal sign-in</h1>
${errorSummary(state, labels)}
${form(
  { action: '/vendor/login', csrf: state.csrf },
  html`

${input(state, { name: 'email', label: labels.email!, type: 'email', autocomplete: 'username', maxlength: 254 })}
${input(state, { name: 'password', label: labels.password!, type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit">Sign in</button></p>
`,
)}</section>`,
  };
}

export function vendorSetPasswordPage(state: FormState, token: string): Page {
  return {
    audience: 'vendor',
    title: 'Choose your password',
    body: html`<section class="account-form"><h1>Choose your vendor portal password</h1>
${errorSummary(state, labels)}
${form(
  { action: '/vendor/password/set', csrf: state.csrf },
  html`

<input type="hidden" name="token" value="${token}">
${input(state, { name: 'new_password', label: labels.new_password!, type: 'password', autocomplete: 'new-password', maxlength: 256, hint: 'At least 10 characters; a few unrelated words make a strong password.' })}
<p><button type="submit">Set password</button></p>
`,
)}</section>`,
  };
}
