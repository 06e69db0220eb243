// The staff console's pages: sign-in, setting and changing the password, the console itself and
// (for owners) the staff list with the form that invites a new member.
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import type { StaffRole } from '../../privacy/index.ts';
import type { Page } from './customer.ts';
import { form, errorSummary, input, type FormState } from '../../web/form.ts';
import type { StaffListing } from '../staff.ts';
import { dashboardFigures, type DashboardFigures } from './dashboard.ts';

const labels: Record<string, string> = { email: 'Email', password: 'Password', current_password: 'Current password', new_password: 'New password', name: 'Name', role: 'Role' };
const staffHint = 'At least 14 characters; a phrase of several unrelated words is best. Staff passwords are changed regularly.';

export function staffLoginPage(state: FormState): Page {
  return {
    audience: 'staff',
    title: 'Staff sign-in',
    body: html`<section class="account-form"><h1>Staff sign-in</h1>
${errorSummary(state, labels)}
${form(
  { action: '/staff/login', csrf: state.csrf },
  html`

${input(state, { name: 'email', label: labels.email!, type: 'email', autocomplete: 'username', maxlength: 254 })}
${input(state, { name: 'password', label: labels.password!, type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit">Sign in</button></p>
`,
)}</section>`,
  };
}

export function staffSetPasswordPage(state: FormState, token: string): Page {
  return {
    audience: 'staff',
    title: 'Choose your staff password',
    body: html`<section class="account-form"><h1>Choose your staff password</h1>
${errorSummary(state, labels)}
${form(
  { action: '/staff/password/set', csrf: state.csrf },
  html`

<input type="hidden" name="token" value="${token}">
${input(state, { name: 'new_password', label: labels.new_password!, type: 'password', autocomplete: 'new-password', maxlength: 256, hint: staffHint })}
<p><button type="submit">Set password</button></p>
`,
)}</section>`,
  };
}

export function staffPasswordPage(state: FormState, expired: boolean, maxAgeDays = 90): Page {
  return {
    audience: 'staff',
    title: 'Change your staff password',
    body: html`<section class="account-form"><h1>Change your staff password</h1>
${expired ? html`<p class="notice" role="status">Your password is more than ${maxAgeDays} days old. Choose a new one to open the console.</p>` : ''}
${errorSummary(state, labels)}
${form(
  { action: '/staff/password', csrf: state.csrf },
  html`

${input(state, { name: 'current_password', label: labels.current_password!, type: 'password', autocomplete: 'current-password', maxlength: 256 })}
${input(state, { name: 'new_password', label: labels.new_password!, type: 'password', autocomplete: 'new-password', maxlength: 256, hint: staffHint })}
<p><button type="submit">Change password</button></p>
`,
)}</section>`,
  };
}

export function consolePage(o: { name: string; role: StaffRole; csrf: string; notice?: string; figures?: DashboardFigures }): Page {
  return {
    audience: 'staff',
    title: 'Staff console',
    body: html`<section class="console"><h1>Staff console</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<p>Signed in as ${o.name}, role <strong>${o.role}</strong>. You see only the data categories and purposes the data map grants this role; every look at a person's data is recorded with its purpose.</p>
${o.figures ? dashboardFigures(o.figures) : ''}
<h2>Work</h2>
<ul class="dashboard">
<li><a href="/staff/customers">Find a customer by email</a></li>
${['owner', 'support', 'dpo'].includes(o.role) ? html`<li><a href="/staff/consents">Record a customer’s consent</a> given by mail, phone, letter or in person</li>` : ''}
${['owner', 'fulfilment', 'support'].includes(o.role) ? html`<li><a href="/staff/orders">Orders</a></li>` : ''}
${['owner', 'fulfilment', 'support', 'marketing'].includes(o.role) ? html`<li><a href="/staff/catalogue">Catalogue</a>: products, prices, stock, categories and vendors</li>` : ''}
${['owner', 'accountant'].includes(o.role) ? html`<li><a href="/staff/credit">Credit checks for invoice orders</a></li>` : ''}
${['owner', 'dpo'].includes(o.role) ? html`<li><a href="/staff/disclosures">Legal and other disclosures</a>: court orders, law-enforcement and fraud requests, collections reports, emergency calls</li>` : ''}
${o.role === 'owner' ? html`<li><a href="/staff/users">Staff members and roles</a></li><li><a href="/staff/vendor-users">Vendor portal users</a></li><li><a href="/staff/vendors">Vendor access</a>: suspend a vendor, publish the vendors' data-use terms</li>` : ''}
${o.role === 'owner' ? html`<li><a href="/staff/brand">Logo and colours</a></li>` : ''}
${o.role === 'dpo' ? html`<li><a href="/staff/dpo">Privacy officer: audit log and security events</a></li>` : ''}
<li><a href="/staff/api-tokens">Your API tokens</a></li>
<li><a href="/staff/password">Change your password</a></li>
</ul>
${form({ action: '/staff/logout', csrf: o.csrf }, html`<button type="submit">Sign out</button>`)}
</section>`,
  };
}

export function staffUsersPage(o: { staff: StaffListing[]; state: FormState; roles: readonly StaffRole[]; invited?: string }): Page {
  const role = o.state.values?.role ?? 'support';
  return {
    audience: 'staff',
    title: 'Staff members',
    body: html`<section class="console"><h1>Staff members</h1>
${o.invited ? html`<p class="notice" role="status">${o.invited}</p>` : ''}
${table({
  caption: 'Everyone who can sign in to this console',
  columns: [{ label: 'Name' }, { label: 'Email' }, { label: 'Role' }, { label: 'Status' }, { label: 'Password set' }, { label: 'Change' }],
  rows: o.staff.map((s) => [
    s.name,
    s.email,
    s.role,
    s.status,
    s.passwordChangedAt.toISOString().slice(0, 10),
    form(
      { action: `/staff/users/${s.id}`, csrf: o.state.csrf, className: 'inline-form' },
      html`<label class="visually-hidden" for="role-${s.id}">Role of ${s.name}</label><select id="role-${s.id}" name="role">${o.roles.map((r) => html`<option value="${r}"${r === s.role ? html` selected` : ''}>${r}</option>`)}</select>
<label class="visually-hidden" for="status-${s.id}">Status of ${s.name}</label><select id="status-${s.id}" name="status">${(['active', 'disabled'] as const).map((v) => html`<option value="${v}"${v === s.status ? html` selected` : ''}>${v}</option>`)}</select>
<button type="submit">Save</button>`,
    ),
  ]),
})}
<h2>Add a staff member</h2>
<p>They get a mail with a link to choose their own password.</p>
${errorSummary(o.state, labels)}
${form(
  { action: '/staff/users', csrf: o.state.csrf },
  html`

${input(o.state, { name: 'name', label: labels.name!, maxlength: 200 })}
${input(o.state, { name: 'email', label: labels.email!, type: 'email', maxlength: 254 })}
<p class="field"><label for="f-role">Role</label>
<select id="f-role" name="role">${o.roles.map((r) => html`<option value="${r}"${r === role ? html` selected` : ''}>${r}</option>`)}</select>
${o.state.errors?.role ? html`<span class="error" id="f-role-error">${o.state.errors.role}</span>` : ''}</p>
<p><button type="submit">Add and send invitation</button></p>
`,
)}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}

export function secondFactorPage(state: FormState): Page {
  return {
    audience: 'staff',
    title: 'Second factor',
    body: html`<section class="account-form"><h1>Enter your code</h1>
<p>Open your authenticator app and enter the six-digit code for this shop, or one of your recovery codes.</p>
${errorSummary(state, { code: 'Code' })}
${form(
  { action: '/staff/2fa', csrf: state.csrf },
  html`

${input(state, { name: 'code', label: 'Code', autocomplete: 'one-time-code', maxlength: 20 })}
<p><button type="submit">Continue</button></p>
`,
)}</section>`,
  };
}

/** `o.qr`: the QR code of `o.uri` (`qrSvg`). */
export function enrolPage(state: FormState, o: { secret: string; uri: string; qr: SafeHtml }): Page {
  const grouped = o.secret.match(/.{1,4}/g)?.join(' ') ?? o.secret;
  return {
    audience: 'staff',
    title: 'Set up your second factor',
    body: html`<section class="account-form"><h1>Set up your second factor</h1>
<p>Staff accounts need a second factor. In an authenticator app (any app for TOTP codes), scan this code:</p>
<p class="qr-code">${o.qr}</p>
<p>Or add an account with this key by hand:</p>
<p class="secret"><code id="totp-secret">${grouped}</code></p>
<p>Or paste this address into an app that accepts it: <code>${o.uri}</code></p>
${errorSummary(state, { code: 'Code' })}
${form(
  { action: '/staff/2fa/enrol', csrf: state.csrf },
  html`

${input(state, { name: 'code', label: 'The six-digit code the app shows', autocomplete: 'one-time-code', maxlength: 20 })}
<p><button type="submit">Confirm</button></p>
`,
)}</section>`,
  };
}

export function recoveryCodesPage(codes: string[]): Page {
  return {
    audience: 'staff',
    title: 'Your recovery codes',
    body: html`<section class="account-form"><h1>Your recovery codes</h1>
<p>Your second factor is set up. Keep these codes somewhere safe: each one signs you in once if you lose your app. They are shown only now.</p>
<ul class="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<p><a href="/staff">Continue to the console</a></p></section>`,
  };
}
