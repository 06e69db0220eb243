// The staff pages for categories (the tree; add, rename, move) and vendors (list, add, edit).
import { html, type SafeHtml } from '../../../web/template.ts';
import { table } from '../../../web/table.ts';
import { form, input, textarea, type FormState } from '../../../web/form.ts';
import type { Abilities } from '../console-access.ts';
import { limits } from '../schemas.ts';
import type { Category, Change, Vendor } from '../tables.ts';
import { catalogueNav, categoryChoices, formErrors, historySection, notice, optionalSelect, type Page } from './parts.ts';

const categoryLabels: Record<string, string> = { name: 'Name', slug: 'Web address (slug)', parent_id: 'Parent', description: 'Description' };
const vendorLabels: Record<string, string> = { name: 'Name', slug: 'Web address (slug)', website: 'Website', description: 'Description' };

/** One category's row: its name, and for an owner a rename form and a move form. */
function categoryItem(c: Category, all: readonly Category[], csrf: string, can: Abilities, failed: { id: string; state: FormState } | undefined): SafeHtml {
  const state: FormState = failed?.id === c.id ? failed.state : { csrf, values: { name: c.name, parent_id: c.parent_id ?? '' } };
  const prefixed = (s: FormState): FormState => ({
    csrf: s.csrf,
    values: Object.fromEntries(Object.entries(s.values ?? {}).map(([k, v]) => [`${k}-${c.id}`, v])),
    errors: Object.fromEntries(Object.entries(s.errors ?? {}).map(([k, v]) => [`${k}-${c.id}`, v])),
  });
  const s = prefixed(state);
  const children = all.filter((x) => x.parent_id === c.id);
  const error = state.errors?.[''];
  return html`<li><strong>${c.name}</strong> <span class="hint">/categories/${c.slug}</span>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${
  can.edit
    ? html`<details${failed?.id === c.id ? html` open` : ''}><summary>Rename or move<span class="visually-hidden"> ${c.name}</span></summary>
${form(
  { action: `/staff/catalogue/categories/${c.id}`, csrf: csrf, novalidate: true },
  html`
${input(s, { name: `name-${c.id}`, label: 'Name', maxlength: limits.name })}
${optionalSelect(s, { name: `parent_id-${c.id}`, label: 'Parent', empty: 'None (top level)', choices: categoryChoices(all, c.id) })}
<p><button type="submit">Save ${c.name}</button></p>`,
)}</details>`
    : ''
}
${children.length ? html`<ul>${children.map((x) => categoryItem(x, all, csrf, can, failed))}</ul>` : ''}</li>`;
}

export function categoriesPage(o: { categories: readonly Category[]; csrf: string; add?: FormState; failed?: { id: string; state: FormState }; can: Abilities; notice?: string }): Page {
  const add = o.add ?? { csrf: o.csrf };
  const roots = o.categories.filter((c) => c.parent_id === null || !o.categories.some((p) => p.id === c.parent_id));
  return {
    audience: 'staff',
    title: 'Catalogue: categories',
    body: html`<section class="console">${catalogueNav(o.can, '/staff/catalogue/categories')}
<h1>Categories</h1>
${notice(o.notice)}
${o.categories.length ? html`<ul class="category-tree">${roots.map((c) => categoryItem(c, o.categories, o.csrf, o.can, o.failed))}</ul>` : html`<p>No categories yet.</p>`}
${
  o.can.edit
    ? html`<h2>Add a category</h2>${formErrors(o.add, categoryLabels)}
${form(
  { action: '/staff/catalogue/categories', csrf: o.csrf, novalidate: true },
  html`
${input(add, { name: 'name', label: 'Name', maxlength: limits.name })}
${input(add, { name: 'slug', label: 'Web address (slug)', maxlength: limits.slug, required: false, hint: 'Left empty, it is made from the name.' })}
${optionalSelect(add, { name: 'parent_id', label: 'Parent', empty: 'None (top level)', choices: categoryChoices(o.categories) })}
<p><button type="submit">Add category</button></p>`,
)}`
    : ''
}</section>`,
  };
}

function vendorFields(state: FormState): SafeHtml {
  return html`${input(state, { name: 'name', label: 'Name', maxlength: limits.name })}
${input(state, { name: 'slug', label: 'Web address (slug)', maxlength: limits.slug, required: false, hint: 'Left empty, it is made from the name.' })}
${input(state, { name: 'website', label: 'Website', maxlength: limits.website, required: false, hint: 'https://…' })}
${textarea(state, { name: 'description', label: 'Description', maxlength: limits.vendorDescription, required: false, rows: 3 })}`;
}

export function vendorsPage(o: { vendors: readonly Vendor[]; csrf: string; add?: FormState; can: Abilities; notice?: string }): Page {
  return {
    audience: 'staff',
    title: 'Catalogue: vendors',
    body: html`<section class="console">${catalogueNav(o.can, '/staff/catalogue/vendors')}
<h1>Vendors</h1>
${notice(o.notice)}
${
  o.vendors.length
    ? table({
        caption: 'Vendors',
        hideCaption: true,
        columns: [{ label: 'Vendor' }, { label: 'Website' }],
        rows: o.vendors.map((v) => [o.can.edit ? html`<a href="/staff/catalogue/vendors/${v.id}">${v.name}</a>` : v.name, v.website ?? '—']),
      })
    : html`<p>No vendors yet.</p>`
}
${
  o.can.edit
    ? html`<h2>Add a vendor</h2>${formErrors(o.add, vendorLabels)}
${form(
  { action: '/staff/catalogue/vendors', csrf: o.csrf, novalidate: true },
  html`
${vendorFields(o.add ?? { csrf: o.csrf })}
<p><button type="submit">Add vendor</button></p>`,
)}`
    : ''
}</section>`,
  };
}

export function vendorState(v: Vendor, csrf: string): FormState {
  return { csrf, values: { name: v.name, slug: v.slug, website: v.website ?? '', description: v.description } };
}

export function vendorPage(o: { vendor: Vendor; state: FormState; history: readonly Change[]; staff: ReadonlyMap<string, string>; can: Abilities; notice?: string }): Page {
  return {
    audience: 'staff',
    title: `${o.vendor.name} · Vendors`,
    body: html`<section class="console">${catalogueNav(o.can, '')}
<p><a href="/staff/catalogue/vendors">All vendors</a></p>
<h1>${o.vendor.name}</h1>
${notice(o.notice)}
${formErrors(o.state, vendorLabels)}
${form(
  { action: `/staff/catalogue/vendors/${o.vendor.id}`, csrf: o.state.csrf, novalidate: true },
  html`
${vendorFields(o.state)}
<p><button type="submit">Save vendor</button></p>`,
)}
${historySection(o.history, o.staff, new Map(), () => undefined)}
</section>`,
  };
}
