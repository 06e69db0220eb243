// The owner's console pages for vendors' access: which vendors may use the portal (suspend,
// reinstate) and the data-use terms (versions, acceptances, publish a new version).
import type { Vendor } from '../commerce/catalogue/index.ts';
import { errorSummary, form, textarea, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { renderText } from '../web/plain-text.ts';
import { html } from '../web/template.ts';
import type { Suspension, Terms } from './tables.ts';
import { TERMS_MAX } from './store.ts';

const dateTime = (d: Date) => `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function vendorAccessPage(o: {
  vendors: readonly Vendor[];
  suspended: ReadonlyMap<string, Suspension>;
  accepted: ReadonlyMap<string, { users: number; latest: Date }>;
  csrf: string;
  terms: Terms;
  /** An owner: the suspend and reinstate buttons. */
  canChange: boolean;
}): Page {
  return {
    audience: 'staff',
    title: 'Vendor access',
    body: html`<section class="console"><h1>Vendor access</h1>
<p>Vendors' users see the buyer's name, address, phone and email of orders of their own products, after accepting the <a href="/staff/vendors/terms">data-use terms</a> (version ${o.terms.version} in force). A vendor that misuses buyer data is suspended: its users are signed out at once and the portal, its order pages and exports refuse them until it is reinstated.</p>
${table({
  caption: 'Vendors',
  hideCaption: true,
  columns: [{ label: 'Vendor' }, { label: 'Portal access' }, { label: `Accepted version ${o.terms.version}` }, ...(o.canChange ? [{ label: 'Action', hideLabel: true }] : [])],
  rows: o.vendors.map((v) => {
    const s = o.suspended.get(v.id);
    const a = o.accepted.get(v.id);
    return [
      v.name,
      s ? html`<strong>Suspended</strong> since ${dateTime(s.suspended_at)}` : 'Active',
      a ? `${a.users} user${a.users === 1 ? '' : 's'}, latest ${dateTime(a.latest)}` : 'nobody yet',
      ...(!o.canChange
        ? []
        : s
          ? [form({ action: `/staff/vendors/${v.id}/reinstate`, csrf: o.csrf }, html`<button type="submit">Reinstate ${v.name}</button>`)]
          : [form({ action: `/staff/vendors/${v.id}/suspend`, csrf: o.csrf }, html`<button type="submit" class="danger">Suspend ${v.name}</button>`)]),
    ];
  }),
  empty: 'There are no vendors yet.',
})}</section>`,
  };
}

export function termsConsolePage(o: { versions: readonly (Terms & { acceptances: number })[]; state: FormState; canChange: boolean }): Page {
  const current = o.versions[0]!;
  return {
    audience: 'staff',
    title: 'Vendor data-use terms',
    body: html`<section class="console"><p><a href="/staff/vendors">Vendor access</a></p>
<h1>Vendor data-use terms</h1>
<p>Version ${current.version} is in force. Publishing a new version asks every vendor user to accept it before they see buyer details again.</p>
<div class="terms-text">${renderText(current.body)}</div>
${table({
  caption: 'Versions',
  columns: [{ label: 'Version' }, { label: 'Published' }, { label: 'Acceptances', numeric: true }],
  rows: o.versions.map((v) => [String(v.version), dateTime(v.published_at), v.acceptances]),
})}
${
  o.canChange
    ? html`<h2>Publish a new version</h2>
${errorSummary(o.state, { text: 'Terms' })}
${form(
  { action: '/staff/vendors/terms', csrf: o.state.csrf, className: 'account-form' },
  html`${textarea(o.state, { name: 'text', label: 'Terms', maxlength: TERMS_MAX, rows: 16, hint: 'Plain text: a blank line between paragraphs, "- " at the start of each list item.' })}
<p><button type="submit">Publish version ${current.version + 1}</button></p>`,
)}`
    : html`<p>An owner publishes new versions.</p>`
}</section>`,
  };
}
