// The delivery module's pages: the owner's licence-key page of a digital product (counts per
// variant and the bulk upload; keys are never listed back), and the buyer's part of an order page.
import { errorSummary, form, type FormState } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import type { DeliveredKey, KeyCounts } from './keys.ts';

export interface KeyPageVariant {
  id: string;
  sku: string;
  name: string;
  counts: KeyCounts;
}

const labels = { variant: 'Variant', keys: 'Licence keys, one per line', file: 'Or a text file of keys' };

function fieldError(state: FormState, name: string): SafeHtml {
  const error = state.errors?.[name];
  return error ? html`<span class="error" id="f-${name}-error">${error}</span>` : html``;
}

function described(state: FormState, name: string): SafeHtml {
  const error = state.errors?.[name];
  return html` aria-describedby="f-${name}-hint${error ? ` f-${name}-error` : ''}"${error ? html` aria-invalid="true"` : ''}`;
}

export function licenceKeysPage(o: {
  productId: string;
  productName: string;
  variants: readonly KeyPageVariant[];
  waitingOrders: number;
  state: FormState;
  result?: { added: number; duplicates: number };
}): Page {
  const s = o.state;
  const action = `/staff/catalogue/products/${o.productId}/licence-keys`;
  const only = o.variants.length === 1 ? o.variants[0] : undefined;
  const chosen = s.values?.variant ?? '';
  return {
    audience: 'staff',
    title: `Licence keys of ${o.productName}`,
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/catalogue">Catalogue</a> › <a href="/staff/catalogue/licence-keys">Licence keys</a> › <a href="/staff/catalogue/products/${o.productId}">${o.productName}</a></p>
<h1>Licence keys of ${o.productName}</h1>
${
  o.result
    ? html`<div class="notice" role="status"><p>Added ${o.result.added} ${o.result.added === 1 ? 'key' : 'keys'}.${
        o.result.duplicates ? ` ${o.result.duplicates} ${o.result.duplicates === 1 ? 'line was a key' : 'lines were keys'} already stored (or repeated), not added again.` : ''
      }</p></div>`
    : ''
}
<p>Each paid unit receives one key, once, by mail and on the buyer's order page. Keys are stored encrypted and are not shown here again. A refund or cancellation revokes the order's keys.</p>
${o.waitingOrders ? html`<p class="notice"><strong>${o.waitingOrders} paid ${o.waitingOrders === 1 ? 'order waits' : 'orders wait'} for keys</strong> (of this shop's products); they receive theirs as soon as keys are added.</p>` : ''}
${table({
  caption: 'Keys per variant',
  columns: [{ label: 'Variant' }, { label: 'Available', numeric: true }, { label: 'Handed out', numeric: true }, { label: 'Revoked', numeric: true }],
  rows: o.variants.map((v) => [html`${v.name} <span class="hint">${v.sku}</span>`, String(v.counts.available), String(v.counts.assigned), String(v.counts.revoked)]),
})}
<h2>Add keys</h2>
${errorSummary(s, labels)}
${form(
  { action, csrf: s.csrf, enctype: 'multipart/form-data', className: 'account-form', ...(only ? { hidden: { variant: only.id } } : {}) },
  html`
${
  only
    ? ''
    : html`<p class="field${s.errors?.variant ? ' field-error' : ''}"><label for="f-variant">${labels.variant}</label>
<span class="hint" id="f-variant-hint">The variant the keys are sold as.</span>
<select id="f-variant" name="variant" required${described(s, 'variant')}>${o.variants.map((v) => html`<option value="${v.id}"${v.id === chosen ? html` selected` : ''}>${v.name} (${v.sku})</option>`)}</select>
${fieldError(s, 'variant')}</p>`
}
<p class="field${s.errors?.keys ? ' field-error' : ''}"><label for="f-keys">${labels.keys}</label>
<span class="hint" id="f-keys-hint">Paste the keys, one per line. A key already stored is not added twice.</span>
<textarea id="f-keys" name="keys" rows="10" cols="60" autocomplete="off" spellcheck="false"${described(s, 'keys')}></textarea>
${fieldError(s, 'keys')}</p>
<p class="field${s.errors?.file ? ' field-error' : ''}"><label for="f-file">${labels.file}</label>
<span class="hint" id="f-file-hint">A plain text file, one key per line, at most 1 MB.</span>
<input id="f-file" name="file" type="file" accept=".txt,.csv,text/plain"${described(s, 'file')}>
${fieldError(s, 'file')}</p>
<p><button type="submit">Add keys</button></p>
`,
)}
<p><a href="/staff/catalogue/products/${o.productId}/download">Downloadable file of this product</a>: a file buyers download with a signed link instead of, or besides, a key.</p>
</section>`,
  };
}

/** The owner's list of digital products, each leading to its licence-key page. */
export function licenceProductsPage(o: { products: readonly { id: string; name: string; vendor: string; status: string; variants: number }[]; waitingOrders: number; more: boolean }): Page {
  return {
    audience: 'staff',
    title: 'Licence keys',
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/catalogue">Catalogue</a></p>
<h1>Licence keys</h1>
<p>Digital products whose variants have licence keys get one per paid unit, mailed to the buyer and shown on their order. A digital product without keys is delivered by hand.</p>
${o.waitingOrders ? html`<p class="notice"><strong>${o.waitingOrders} paid ${o.waitingOrders === 1 ? 'order waits' : 'orders wait'} for keys.</strong> They receive theirs as soon as keys are added.</p>` : ''}
${table({
  caption: 'Digital products',
  columns: [{ label: 'Product' }, { label: 'Vendor' }, { label: 'Status' }, { label: 'Variants', numeric: true }],
  rows: o.products.map((p) => [html`<a href="/staff/catalogue/products/${p.id}/licence-keys">${p.name}</a>`, p.vendor, p.status, String(p.variants)]),
  empty: 'There are no digital products.',
})}
${o.more ? html`<p>Only the first ${o.products.length} are listed; find others in the <a href="/staff/catalogue">catalogue</a>.</p>` : ''}
</section>`,
  };
}

const stateLabels = { assigned: 'Valid', revoked: 'Revoked', available: '' } as const;

/** The buyer's licence keys on their order page. */
export function buyerKeysSection(o: { keys: readonly DeliveredKey[]; lineNames: ReadonlyMap<number, string>; waiting: boolean }): SafeHtml {
  return html`<section class="licence-keys"><h2>Your licence keys</h2>
${o.waiting ? html`<p>Some of your licence keys are on their way: we mail them to you as soon as they arrive, and they show here.</p>` : ''}
${table({
  caption: 'Your licence keys',
  hideCaption: true,
  columns: [{ label: 'Item' }, { label: 'Licence key' }, { label: 'State' }],
  rows: o.keys.map((k) => [
    o.lineNames.get(k.linePosition) ?? '',
    k.key !== null ? html`<code class="licence-key">${k.key}</code>` : html`<span>…${k.hint} (no longer valid)</span>`,
    stateLabels[k.state],
  ]),
  empty: o.waiting ? 'Your keys have not arrived yet.' : 'Your keys are given out once the payment arrives.',
})}
</section>`;
}

/** The order's licence keys as staff see them on the console's order page: state and last characters, never the key. */
export function staffKeysSection(o: { keys: readonly DeliveredKey[]; lineNames: ReadonlyMap<number, string>; waiting: boolean }): SafeHtml {
  return html`<section class="licence-keys"><h2>Licence keys</h2>
${o.waiting ? html`<p class="notice">This order waits for licence keys: it goes back to paid, and its keys are mailed, once keys are added.</p>` : ''}
${table({
  caption: 'Licence keys handed out for this order',
  hideCaption: true,
  columns: [{ label: 'Item' }, { label: 'Key ends in' }, { label: 'State' }],
  rows: o.keys.map((k) => [o.lineNames.get(k.linePosition) ?? '', html`<code>…${k.hint}</code>`, stateLabels[k.state]]),
  empty: 'No key has been handed out yet.',
})}
</section>`;
}

/** One line of an order's downloads: its units that may download and those revoked; the buyer's fresh link. */
export interface DownloadLine {
  item: string;
  file: { name: string; size: number } | null;
  valid: number;
  revoked: number;
  href: string | null;
}

const whenFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const sizeOf = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** The buyer's downloads on their order page: a link made for this visit, working until `expires`. */
export function buyerDownloadsSection(o: { lines: readonly DownloadLine[]; expires: Date }): SafeHtml {
  return html`<section class="downloads"><h2>Your downloads</h2>
<p>Each link works until ${whenFormat.format(o.expires)} UTC; this page makes a fresh one every time you open it.</p>
${table({
  caption: 'Your downloads',
  hideCaption: true,
  columns: [{ label: 'Item' }, { label: 'File' }, { label: 'Download' }],
  rows: o.lines.map((l) => [
    l.item,
    l.file ? `${l.file.name} (${sizeOf(l.file.size)})` : '',
    l.href ? html`<a class="download-link" href="${l.href}" download>Download${l.valid > 1 ? ` (${l.valid} licences)` : ''}</a>` : html`<span>No longer available (refunded or cancelled)</span>`,
  ]),
})}
</section>`;
}

/** An order's downloads as staff see them: units that may download and units revoked, never a link. */
export function staffDownloadsSection(o: { lines: readonly DownloadLine[] }): SafeHtml {
  return html`<section class="downloads"><h2>Downloads</h2>
${table({
  caption: 'Downloads granted for this order',
  hideCaption: true,
  columns: [{ label: 'Item' }, { label: 'File' }, { label: 'May download', numeric: true }, { label: 'Revoked', numeric: true }],
  rows: o.lines.map((l) => [l.item, l.file?.name ?? '', String(l.valid), String(l.revoked)]),
})}
</section>`;
}

export interface FilePageVariant {
  id: string;
  sku: string;
  name: string;
  file: { name: string; size: number; uploadedAt: Date } | null;
}

const fileLabels = { variant: 'Variant', file: 'File' };

/** The upload form of a digital variant's file, shared by the staff console and the vendor portal. */
export function fileUploadForm(o: { action: string; variants: readonly FilePageVariant[]; state: FormState; maxBytes: number; label: (v: FilePageVariant) => string }): SafeHtml {
  const s = o.state;
  const only = o.variants.length === 1 ? o.variants[0] : undefined;
  const chosen = s.values?.variant ?? '';
  return html`${errorSummary(s, fileLabels)}
${form(
  { action: o.action, csrf: s.csrf, enctype: 'multipart/form-data', className: 'account-form', ...(only ? { hidden: { variant: only.id } } : {}) },
  html`
${
  only
    ? ''
    : html`<p class="field${s.errors?.variant ? ' field-error' : ''}"><label for="f-variant">${fileLabels.variant}</label>
<span class="hint" id="f-variant-hint">The variant buyers download the file with.</span>
<select id="f-variant" name="variant" required${described(s, 'variant')}>${o.variants.map((v) => html`<option value="${v.id}"${v.id === chosen ? html` selected` : ''}>${o.label(v)}</option>`)}</select>
${fieldError(s, 'variant')}</p>`
}
<p class="field${s.errors?.file ? ' field-error' : ''}"><label for="f-file">${fileLabels.file}</label>
<span class="hint" id="f-file-hint">At most ${Math.round(o.maxBytes / 1024 / 1024)} MB. It replaces the variant's file: buyers' links then give the new one.</span>
<input id="f-file" name="file" type="file" required${described(s, 'file')}>
${fieldError(s, 'file')}</p>
<p><button type="submit">Upload the file</button></p>
`,
)}`;
}

/** The files of the variants, as a table. */
export function variantFilesTable(variants: readonly FilePageVariant[], label: (v: FilePageVariant) => SafeHtml | string): SafeHtml {
  return table({
    caption: 'Downloadable file per variant',
    columns: [{ label: 'Variant' }, { label: 'File' }, { label: 'Size', numeric: true }, { label: 'Uploaded' }],
    rows: variants.map((v) => [label(v), v.file?.name ?? 'None', v.file ? sizeOf(v.file.size) : '', v.file ? `${whenFormat.format(v.file.uploadedAt)} UTC` : '']),
  });
}

/** The owner's page of a digital product's downloadable files. */
export function productFilesPage(o: { productId: string; productName: string; variants: readonly FilePageVariant[]; state: FormState; maxBytes: number; uploaded?: boolean }): Page {
  return {
    audience: 'staff',
    title: `Downloadable file of ${o.productName}`,
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/catalogue">Catalogue</a> › <a href="/staff/catalogue/licence-keys">Licence keys</a> › <a href="/staff/catalogue/products/${o.productId}">${o.productName}</a></p>
<h1>Downloadable file of ${o.productName}</h1>
${o.uploaded ? html`<div class="notice" role="status"><p>The file is uploaded.</p></div>` : ''}
<p>Each paid unit of a variant with a file may download it: the buyer gets a signed link by mail and on their order page, which works for a limited time. A refund or cancellation revokes it. Files are stored encrypted.</p>
${variantFilesTable(o.variants, (v) => html`${v.name} <span class="hint">${v.sku}</span>`)}
<h2>Upload a file</h2>
${fileUploadForm({ action: `/staff/catalogue/products/${o.productId}/download`, variants: o.variants, state: o.state, maxBytes: o.maxBytes, label: (v) => `${v.name} (${v.sku})` })}
<p><a href="/staff/catalogue/products/${o.productId}/licence-keys">Licence keys of this product</a></p>
</section>`,
  };
}
