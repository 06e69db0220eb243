// The customer's account pages: sign up, confirm, sign in, the account itself, password and email
// change, and the forgotten-password reset. Plain HTML forms posting to the same origin.
import { html, type SafeHtml } from '../../web/template.ts';
import type { Profile } from '../identity.ts';
import { form, errorSummary, input, type FormState } from '../../web/form.ts';

import type { Page } from '../../web/page.ts';
export type { Page };

const labels: Record<string, string> = {
  name: 'Your name',
  email: 'Email',
  password: 'Password',
  age: 'Age',
  current_password: 'Current password',
  new_password: 'New password',
  new_email: 'New email',
};

export function loginPage(state: FormState): Page {
  return {
    audience: 'account',
    title: 'Sign in',
    body: html`<section class="account-form"><h1>Sign in</h1>
${errorSummary(state, labels)}
${form(
  { action: '/account/login', csrf: state.csrf },
  html`

${input(state, { name: 'email', label: labels.email!, type: 'email', autocomplete: 'username', maxlength: 254 })}
${input(state, { name: 'password', label: labels.password!, type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit">Sign in</button></p>
`,
)}
<p><a href="/account/reset">Forgot your password?</a> · <a href="/account/signup">Create an account</a></p>
</section>`,
  };
}

export function signupPage(state: FormState, policyVersion: string, consents: SafeHtml | '' = ''): Page {
  const age = state.values?.age;
  const ageError = state.errors?.age;
  return {
    audience: 'account',
    title: 'Create an account',
    body: html`<section class="account-form"><h1>Create an account</h1>
<p>Your account holds your name, your email and your orders. We keep them encrypted, use them only as our <a href="/privacy">privacy policy</a> says, and you can see, export or erase them at any time.</p>
${errorSummary(state, labels)}
${form(
  { action: '/account/signup', csrf: state.csrf },
  html`

${input(state, { name: 'name', label: labels.name!, autocomplete: 'name', maxlength: 200 })}
${input(state, { name: 'email', label: labels.email!, type: 'email', autocomplete: 'email', maxlength: 254 })}
${input(state, { name: 'password', label: labels.password!, type: 'password', autocomplete: 'new-password', maxlength: 256, hint: 'At least 10 characters; a few unrelated words make a strong password.' })}
<fieldset class="field${ageError ? ' field-error' : ''}" id="f-age"${ageError ? html` aria-describedby="f-age-error"` : ''}>
<legend>Age (privacy policy ${policyVersion})</legend>
<p><input type="radio" id="age-adult" name="age" value="adult" required${age === 'adult' ? html` checked` : ''}> <label for="age-adult">I am of the age of majority where I live.</label></p>
<p><input type="radio" id="age-parent" name="age" value="parental-consent"${age === 'parental-consent' ? html` checked` : ''}> <label for="age-parent">I am younger, and a parent or guardian consents to this account.</label></p>
${ageError ? html`<span class="error" id="f-age-error">${ageError}</span>` : ''}
</fieldset>
${consents}
<p><button type="submit">Create account</button></p>
`,
)}
<p>Already have an account? <a href="/account/login">Sign in</a></p>
</section>`,
  };
}

export function checkInboxPage(what: 'signup' | 'reset' | 'email'): Page {
  const text = {
    signup: 'If this address can be used for a new account, we sent it a link to finish creating it. If it already has an account, we sent it a note instead. The link works for 24 hours.',
    reset: 'If this address has an account, we sent it a link to choose a new password. The link works for one hour.',
    email: 'We sent a link to the new address. Your sign-in email changes when you follow it (within 24 hours). We also told your current address about the change.',
  }[what];
  return { audience: 'account', title: 'Check your inbox', body: html`<section class="account-form"><h1>Check your inbox</h1><p>${text}</p><p><a href="/">Back to the shop</a></p></section>` };
}

/** A page with one button that uses a link's token (a POST, so mail scanners that open links use nothing up). */
export function confirmPage(o: { title: string; action: string; token: string; csrf: string; button: string; text: string }): Page {
  return {
    audience: 'account',
    title: o.title,
    body: html`<section class="account-form"><h1>${o.title}</h1><p>${o.text}</p>
${form({ action: o.action, csrf: o.csrf }, html`<input type="hidden" name="token" value="${o.token}"><p><button type="submit">${o.button}</button></p>`)}</section>`,
  };
}

export function invalidLinkPage(): Page {
  return {
    audience: 'account',
    title: 'Link not valid',
    body: html`<section class="account-form"><h1>This link is not valid any more</h1><p>It was used already or has expired. <a href="/account/login">Sign in</a> or <a href="/account/reset">ask for a new password link</a>.</p></section>`,
  };
}

export function passwordAlreadySetPage(login: string): Page {
  return {
    audience: 'account',
    title: 'Password already set',
    body: html`<section class="account-form"><h1>Your password is already set</h1><p>This link was used, so your account has its password. <a href="${login}">Sign in</a>; if you forgot the password, ask for a new link there.</p></section>`,
  };
}

export function accountPage(o: { profile: Profile; csrf: string; notice?: string }): Page {
  return {
    audience: 'account',
    title: 'Your account',
    description: 'Your name, email, password and sign-ins, your orders and your privacy centre.',
    body: html`<section class="account"><h1>Your account</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<dl class="profile">
<dt>Name</dt><dd>${o.profile.name}</dd>
<dt>Sign-in email</dt><dd>${o.profile.email}</dd>
</dl>
<h2>Orders</h2>
<p><a href="/account/orders">Your orders</a>: what you bought, where each order is, and its tracking number once shipped.</p>
<h2>Your privacy</h2>
<p><a href="/account/privacy">Your privacy</a>: everything we hold about you and who received it, your choices, a copy of it all, and how to deactivate or delete your account.</p>
<h2>Baskets and gift lists</h2>
<ul><li><a href="/account/baskets">Saved baskets</a></li><li><a href="/account/lists">Gift lists</a></li></ul>
<h2>Sign-in and security</h2>
<ul>
<li><a href="/account/password">Change your password</a></li>
<li><a href="/account/email">Change your sign-in email</a></li>
</ul>
${form({ action: '/account/logout', csrf: o.csrf }, html`<button type="submit">Sign out</button>`)}
</section>`,
  };
}

export function passwordPage(state: FormState): Page {
  return {
    audience: 'account',
    title: 'Change your password',
    body: html`<section class="account-form"><h1>Change your password</h1>
<p>Your old password stops working at once, and you are signed out everywhere else.</p>
${errorSummary(state, labels)}
${form(
  { action: '/account/password', csrf: state.csrf },
  html`

${input(state, { name: 'current_password', label: labels.current_password!, type: 'password', autocomplete: 'current-password', maxlength: 256 })}
${input(state, { name: 'new_password', label: labels.new_password!, type: 'password', autocomplete: 'new-password', maxlength: 256, hint: 'At least 10 characters; a few unrelated words make a strong password.' })}
<p><button type="submit">Change password</button></p>
`,
)}
<p><a href="/account">Back to your account</a></p></section>`,
  };
}

export function emailPage(state: FormState): Page {
  return {
    audience: 'account',
    title: 'Change your sign-in email',
    body: html`<section class="account-form"><h1>Change your sign-in email</h1>
<p>We send a link to the new address; the change happens when you follow it.</p>
${errorSummary(state, labels)}
${form(
  { action: '/account/email', csrf: state.csrf },
  html`

${input(state, { name: 'new_email', label: labels.new_email!, type: 'email', autocomplete: 'email', maxlength: 254 })}
${input(state, { name: 'password', label: labels.password!, type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit">Send confirmation link</button></p>
`,
)}
<p><a href="/account">Back to your account</a></p></section>`,
  };
}

export function resetRequestPage(state: FormState): Page {
  return {
    audience: 'account',
    title: 'Forgot your password?',
    body: html`<section class="account-form"><h1>Forgot your password?</h1>
<p>Enter your sign-in email; we send a link to choose a new password.</p>
${errorSummary(state, labels)}
${form(
  { action: '/account/reset', csrf: state.csrf },
  html`

${input(state, { name: 'email', label: labels.email!, type: 'email', autocomplete: 'username', maxlength: 254 })}
<p><button type="submit">Send link</button></p>
`,
)}</section>`,
  };
}

export function resetConfirmPage(state: FormState, token: string): Page {
  return {
    audience: 'account',
    title: 'Choose a new password',
    body: html`<section class="account-form"><h1>Choose a new password</h1>
<p>You are signed out everywhere else once it is set.</p>
${errorSummary(state, labels)}
${form(
  { action: '/account/reset/confirm', csrf: state.csrf },
  html`

<input type="hidden" name="token" value="${token}">
${input(state, { name: 'new_password', label: labels.new_password!, type: 'password', autocomplete: 'new-password', maxlength: 256, hint: 'At least 10 characters; a few unrelated words make a strong password.' })}
<p><button type="submit">Set new password</button></p>
`,
)}</section>`,
  };
}
