// Pieces every staff catalogue page shares: the console's catalogue navigation, notices and form
// errors, status badges, prices in major units, and the change history. Small functions, so the
// pages move onto the component kit's staff layout in one step.
import { html, type SafeHtml } from '../../../web/template.ts';
import { table } from '../../../web/table.ts';
import { errorSummary, form, type FormState } from '../../../web/form.ts';
import type { Page as WebPage } from '../../../web/page.ts';
import { majorUnits } from '../../../web/money.ts';
import type { Change, ProductStatus } from '../tables.ts';
import type { Abilities } from '../console-access.ts';

/** A catalogue console page: the staff layout. */
export type Page = WebPage & { audience: 'staff' };

export const statusLabels: Record<ProductStatus, string> = { draft: 'Draft', active: 'Published', archived: 'Archived' };

export function statusBadge(status: ProductStatus): SafeHtml {
  return html`<span class="badge badge-status-${status}">${statusLabels[status]}</span>`;
}

export function price(minor: number, currency: string): string {
  return majorUnits(minor, currency);
}

export function stockText(stock: number | null): string {
  return stock === null ? 'not tracked' : String(stock);
}

/** The catalogue's own navigation, above every page; links a role may not use are left out. */
export function catalogueNav(can: Abilities, here: string): SafeHtml {
  const links: [string, string, boolean][] = [
    ['/staff/catalogue', 'Products', can.view],
    ['/staff/catalogue/products/new', 'New product', can.edit],
    ['/staff/catalogue/categories', 'Categories', can.view],
    ['/staff/catalogue/vendors', 'Vendors', can.view],
    ['/staff/catalogue/stock', 'Stock', can.stock],
    // The delivery module's page (owners): digital products and their licence keys.
    ['/staff/catalogue/licence-keys', 'Licence keys', can.edit],
  ];
  return html`<p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/catalogue">Catalogue</a></p>
<nav aria-label="Catalogue" class="catalogue-nav"><ul>${links
    .filter(([, , shown]) => shown)
    .map(([href, label]) => html`<li><a href="${href}"${href === here ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>`;
}

export function notice(text: string | undefined): SafeHtml | '' {
  return text ? html`<p class="notice" role="status">${text}</p>` : '';
}

export function formErrors(state: FormState | undefined, labels: Record<string, string>): SafeHtml | '' {
  return state ? errorSummary(state, labels) : '';
}

/** A form that is one button (publish, archive, remove), posting its CSRF token. */
export function buttonForm(action: string, csrf: string, label: string, fields: Record<string, string> = {}): SafeHtml {
  return form({ action, csrf, className: 'inline-form', hidden: fields }, html`<button type="submit">${label}</button>`);
}

const when = (d: Date) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');

function describe(value: unknown, field: string, currency: string | undefined): string {
  if (value === null || value === undefined) return field === 'stock' ? 'not tracked' : '—';
  if (field === 'price_minor' && typeof value === 'number') return currency ? majorUnits(value, currency) : `${value} (minor units)`;
  return String(value);
}

const fieldLabels: Record<string, string> = { price_minor: 'price', vendor_id: 'vendor', category_id: 'category', parent_id: 'parent' };

function changeText(c: Change, names: ReadonlyMap<string, string>, currency: string | undefined): SafeHtml {
  const subject = c.entity === 'variant' ? `Variant ${String(c.changes.sku?.[1] ?? c.changes.sku?.[0] ?? '')}`.trim() : c.entity === 'product' ? 'Product' : c.entity;
  if (c.action !== 'changed') return html`${subject} ${c.action}`;
  const shown = (v: unknown) => (typeof v === 'string' && names.has(v) ? names.get(v)! : v);
  return html`${subject} changed: <ul>${Object.entries(c.changes).map(
    ([field, [from, to]]) => html`<li>${fieldLabels[field] ?? field}: ${describe(shown(from), field, currency)} → ${describe(shown(to), field, currency)}</li>`,
  )}</ul>`;
}

export function whoText(c: Change, staff: ReadonlyMap<string, string>): string {
  if (c.staff_id) return staff.get(c.staff_id) ?? 'former staff member';
  return { api: 'the shop’s API token', cli: 'the command line', system: 'the system', console: 'staff', vendor: 'the vendor (vendor portal)' }[c.via];
}

/**
 * The History section: when, who, what. `names` turns ids in changes (vendor, category) into names;
 * `currencyOf` gives a variant's currency for a price change that did not change the currency.
 */
export function historySection(changes: readonly Change[], staff: ReadonlyMap<string, string>, names: ReadonlyMap<string, string>, currencyOf: (variantId: string) => string | undefined): SafeHtml {
  if (changes.length === 0) return html`<section class="history"><h2>History</h2><p>No changes recorded yet.</p></section>`;
  const currency = (c: Change) => {
    const [from, to] = c.changes.currency ?? [];
    return typeof to === 'string' ? to : typeof from === 'string' ? from : currencyOf(c.entity_id);
  };
  return html`<section class="history"><h2>History</h2>
${table({
  caption: 'Changes, newest first',
  hideCaption: true,
  rowHeaders: false,
  columns: [{ label: 'When (UTC)' }, { label: 'Who' }, { label: 'What' }],
  rows: changes.map((c) => [when(c.at), whoText(c, staff), changeText(c, names, currency(c))]),
})}</section>`;
}

export interface Choice {
  value: string;
  label: string;
}

/** A select that may be left at its first, empty choice ("No category"), unlike the shared one. */
export function optionalSelect(state: FormState, spec: { name: string; label: string; empty: string; choices: readonly Choice[]; hint?: string }): SafeHtml {
  const id = `f-${spec.name}`;
  const error = state.errors?.[spec.name];
  const chosen = state.values?.[spec.name] ?? '';
  return html`<p class="field${error ? ' field-error' : ''}">
<label for="${id}">${spec.label}</label>
${spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''}
<select id="${id}" name="${spec.name}"${spec.hint || error ? html` aria-describedby="${[spec.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')}"` : ''}${error ? html` aria-invalid="true"` : ''}><option value="">${spec.empty}</option>${spec.choices.map(
    (c) => html`<option value="${c.value}"${c.value === chosen ? html` selected` : ''}>${c.label}</option>`,
  )}</select>
${error ? html`<span class="error" id="${id}-error">${error}</span>` : ''}
</p>`;
}

/** Categories as choices, children indented under their parent. */
export function categoryChoices(categories: readonly { id: string; name: string; parent_id: string | null }[], except?: string): Choice[] {
  const out: Choice[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of categories.filter((x) => x.parent_id === parent && x.id !== except)) {
      out.push({ value: c.id, label: `${'— '.repeat(depth)}${c.name}` });
      if (depth < 8) walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
