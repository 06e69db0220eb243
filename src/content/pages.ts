// The shop's pages as HTML: the owner's plain text (paragraphs, "- " lists, line breaks) escaped
// like any other text (src/web/plain-text.ts), and the staff list and edit form.
import { formatMoney } from '../web/format.ts';
import { errorSummary, form, input, textarea, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { renderText } from '../web/plain-text.ts';
import { html, type SafeHtml } from '../web/template.ts';
import type { ContentPage } from './tables.ts';

export interface ShippingFacts {
  currency: string;
  flatMinor: number;
  perItemMinor: number;
  freeFromMinor: number;
}

/** What the cart charges for shipping, read from the settings, so the page cannot disagree with it. */
function shippingCharges(f: ShippingFacts): SafeHtml {
  const money = (minor: number) => formatMoney(minor, f.currency);
  const items = [
    f.flatMinor > 0 ? `${money(f.flatMinor)} per order with physical items.` : 'No charge per order.',
    ...(f.perItemMinor > 0 ? [`${money(f.perItemMinor)} more for each physical item.`] : []),
    f.freeFromMinor > 0 ? `Free when the physical items come to ${money(f.freeFromMinor)} or more.` : 'Shipping is never free of charge.',
    'Digital products and services: no shipping charge.',
  ];
  return html`<h2>Shipping charges</h2>
<p>The cart adds these, and shows them before you pay:</p>
<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
}

export function publicPage(page: ContentPage, shipping?: ShippingFacts): Page {
  return {
    audience: 'storefront',
    title: page.title,
    body: html`<article class="content-page">
<h1>${page.title}</h1>
${renderText(page.body)}
${shipping ? shippingCharges(shipping) : ''}
<p class="meta">Last changed on ${dateOf(page.updated_at)}.</p>
</article>`,
  };
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);
const timeOf = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Who made a change, from its pseudonymous tag: you, a staff member by role and short id, or the shop. */
export function changedBy(tag: string, role: string | null, myTag: string): string {
  if (tag === myTag) return 'you';
  if (tag.startsWith('staff:')) return `${role ?? 'staff'} ${tag.slice(6, 14)}`;
  return 'the shop (first text)';
}

export function staffListPage(pages: readonly ContentPage[], myTag: string): Page {
  return {
    audience: 'staff',
    title: "The shop's pages",
    body: html`<h1>The shop's pages</h1>
<p>Terms, shipping, returns and contact: the text buyers read at these addresses. Only owners edit them; every change is recorded.</p>
<ul class="content-list">${pages.map(
      (p) =>
        html`<li><a href="/staff/pages/${p.slug}">${p.title}</a> <span class="meta">(/${p.slug}) last changed by ${changedBy(p.updated_by, p.updated_by_role, myTag)} on ${timeOf(p.updated_at)}</span></li>`,
    )}</ul>`,
  };
}

export interface EditPageOptions {
  page: ContentPage;
  changes: readonly { changed_at: Date; changed_by: string; changed_by_role: string | null }[];
  myTag: string;
  state: FormState;
  saved?: boolean;
}

export function staffEditPage(o: EditPageOptions): Page {
  const { page, state } = o;
  return {
    audience: 'staff',
    title: `Edit: ${page.title}`,
    body: html`<h1>Edit “${page.title}”</h1>
${o.saved ? html`<p class="notice" role="status">Saved. The page at <a href="/${page.slug}">/${page.slug}</a> shows the new text.</p>` : ''}
<p class="meta">Last changed by ${changedBy(page.updated_by, page.updated_by_role, o.myTag)} on ${timeOf(page.updated_at)}.</p>
${errorSummary(state, { title: 'Title', text: 'Text' })}
${form(
  { action: `/staff/pages/${page.slug}`, csrf: state.csrf, className: 'content-edit' },
  html`
${input(state, { name: 'title', label: 'Title', maxlength: 200 })}
${textarea(state, { name: 'text', label: 'Text', maxlength: 20000, rows: 16, hint: 'Plain text, no HTML. Leave a blank line between paragraphs; start lines with "- " for a list.' })}
<p><button type="submit">Save the page</button></p>
`,
)}
<h2>Changes</h2>
<ol class="content-changes">${o.changes.map((c) => html`<li>${timeOf(c.changed_at)}, by ${changedBy(c.changed_by, c.changed_by_role, o.myTag)}</li>`)}</ol>
<p><a href="/staff/pages">All pages</a></p>`,
  };
}
