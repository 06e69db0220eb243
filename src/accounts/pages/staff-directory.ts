// Staff console pages for finding a customer by email (as the staff member's role, under a purpose
// they choose; every read audited by the kernel) and, for owners, the vendor portal's users.
import { table } from '../../web/table.ts';
import { html } from '../../web/template.ts';
import type { Page } from './customer.ts';
import { form, errorSummary, input, type FormState } from '../../web/form.ts';

const labels: Record<string, string> = { email: 'Email', purpose: 'Purpose', name: 'Name', vendor_id: 'Vendor' };

export interface CustomerFound {
  subject: string;
  status: string;
  since: Date;
  /** The categories the role may see, by category key (name, email). */
  values: Record<string, string>;
}

function select(state: FormState, name: string, label: string, options: readonly { value: string; label: string }[]) {
  const chosen = state.values?.[name] ?? '';
  const error = state.errors?.[name];
  return html`<p class="field${error ? ' field-error' : ''}"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ''}>${options.map((o) => html`<option value="${o.value}"${o.value === chosen ? html` selected` : ''}>${o.label}</option>`)}</select>
${error ? html`<span class="error" id="f-${name}-error">${error}</span>` : ''}</p>`;
}

export function customerLookupPage(o: { state: FormState; purposes: readonly string[]; found?: CustomerFound[]; pages?: boolean }): Page {
  const purpose = o.state.values?.purpose ?? '';
  return {
    audience: 'staff',
    title: 'Find a customer',
    body: html`<section class="console"><h1>Find a customer</h1>
<p>Type the customer's exact email address and say why you look. You see only what your role may see for that purpose, and the look is recorded.</p>
${errorSummary(o.state, labels)}
${form(
  { action: '/staff/customers', csrf: o.state.csrf, className: 'account-form' },
  html`

${input(o.state, { name: 'email', label: labels.email!, type: 'email', maxlength: 254, autocomplete: 'off' })}
${select(
  o.state,
  'purpose',
  labels.purpose!,
  o.purposes.map((p) => ({ value: p, label: p })),
)}
<p><button type="submit">Find</button></p>
`,
)}
${
  o.found === undefined
    ? ''
    : o.found.length === 0
      ? html`<p class="notice" role="status">No customer signs in with that email.</p>`
      : table({
          caption: 'Customers with that email',
          columns: [{ label: 'Name' }, { label: 'Email' }, { label: 'Account' }, { label: 'Since' }, { label: o.pages ? 'Customer' : 'Reference' }],
          rowHeaders: false,
          rows: o.found.map((f) => [
            f.values['user.name'] ?? '(not for your role)',
            f.values['user.contact.email'] ?? '(not for your role)',
            f.status,
            f.since.toISOString().slice(0, 10),
            o.pages ? html`<a href="/staff/customers/${f.subject}?purpose=${purpose}">Their page and orders</a>` : f.subject,
          ]),
        })
}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}

export interface VendorUserListing {
  id: string;
  name: string;
  email: string;
  vendor: string;
  status: string;
}

export function vendorUsersPage(o: { state: FormState; vendors: readonly { id: string; name: string }[]; users: VendorUserListing[]; notice?: string }): Page {
  return {
    audience: 'staff',
    title: 'Vendor portal users',
    body: html`<section class="console"><h1>Vendor portal users</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
${
  o.users.length
    ? table({
        caption: 'People who sign in to the vendor portal, each for one vendor',
        columns: [{ label: 'Name' }, { label: 'Email' }, { label: 'Vendor' }, { label: 'Status' }],
        rowHeaders: false,
        rows: o.users.map((u) => [u.name, u.email, u.vendor, u.status]),
      })
    : html`<p>No vendor users yet.</p>`
}
<h2>Add a vendor user</h2>
<p>They get a mail with a link to choose their own password, and see only their vendor in the portal.</p>
${errorSummary(o.state, labels)}
${form(
  { action: '/staff/vendor-users', csrf: o.state.csrf, className: 'account-form' },
  html`

${input(o.state, { name: 'name', label: labels.name!, maxlength: 200 })}
${input(o.state, { name: 'email', label: labels.email!, type: 'email', maxlength: 254 })}
${select(
  o.state,
  'vendor_id',
  labels.vendor_id!,
  o.vendors.map((v) => ({ value: v.id, label: v.name })),
)}
<p><button type="submit">Add and send invitation</button></p>
`,
)}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}
