// The vendor portal's pages (audience `vendor`): home, data-use terms, orders (list, order page),
// stock and sales. Server-rendered on the kit in src/web/; no JavaScript.
import type { OrderLine, OrderStatus, VendorOrderRow, VendorSalesRow } from '../commerce/orders/index.ts';
import type { StockRow } from '../commerce/catalogue/index.ts';
import { errorSummary, form, type FormState, input, select, textarea } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { pagination } from '../web/pagination.ts';
import { price } from '../web/price.ts';
import { table } from '../web/table.ts';
import { renderText } from '../web/plain-text.ts';
import { html, type SafeHtml } from '../web/template.ts';
import type { BuyerDetails } from './buyer.ts';
import type { Terms } from './tables.ts';
import type { DeliveryRow } from './webhooks.ts';

export interface PortalHeader {
  vendor: string;
  csrf: string;
}

const date = (d: Date) => new Date(d).toISOString().slice(0, 10);
const dateTime = (d: Date) => `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function signedIn(h: PortalHeader): SafeHtml {
  return html`<div class="portal-header"><p>Signed in for <strong>${h.vendor}</strong>. You see only this vendor's data.</p>
${form({ action: '/vendor/logout', csrf: h.csrf }, html`<button type="submit">Sign out</button>`)}</div>`;
}

function portalPage(title: string, h: PortalHeader, body: SafeHtml): Page {
  return { audience: 'vendor', title, body: html`<section class="console">${signedIn(h)}${body}</section>` };
}

export function homePage(h: PortalHeader, o: { orders: number; variants: number }): Page {
  return portalPage(
    'Vendor portal',
    h,
    html`<h1>Vendor portal</h1>
<ul>
<li><a href="/vendor/orders">Orders</a>: ${o.orders} paid order${o.orders === 1 ? '' : 's'} of your products.</li>
<li><a href="/vendor/stock">Stock</a>: ${o.variants} product variant${o.variants === 1 ? '' : 's'} on sale or in draft.</li>
<li><a href="/vendor/sales">Sales</a>: units and revenue per product.</li>
<li><a href="/vendor/licence-keys">Licence keys</a>: keys the shop hands out, one per licence sold.</li>
<li><a href="/vendor/downloads">Downloads</a>: the file buyers of a digital product download.</li>
<li><a href="/vendor/webhook">Webhook</a>: signed order events sent to your systems, and their deliveries.</li>
<li><a href="/vendor/terms">Data-use terms</a>: what you may do with buyers' details.</li>
</ul>`,
  );
}

export function termsPage(h: PortalHeader, o: { terms: Terms; acceptedAt: Date | null; state: FormState; earlier: boolean }): Page {
  const { terms } = o;
  return portalPage(
    'Data-use terms',
    h,
    html`<h1>Data-use terms for vendors</h1>
<p>Version ${terms.version}, published ${date(terms.published_at)}.</p>
${
  o.acceptedAt
    ? html`<p class="notice">You accepted this version on ${dateTime(o.acceptedAt)}.</p>`
    : html`<p class="notice">${o.earlier ? 'The terms changed since you last accepted them. ' : ''}Read and accept these terms before you see any buyer's details.</p>`
}
<div class="terms-text">${renderText(terms.body)}</div>
${errorSummary(o.state, { version: 'Version', agree: 'Agreement' })}
${
  o.acceptedAt
    ? ''
    : html`${form(
        { action: '/vendor/terms', csrf: o.state.csrf, hidden: { version: String(terms.version) } },
        html`<p class="field${o.state.errors?.agree ? ' field-error' : ''}"><input type="checkbox" id="f-agree" name="agree" value="yes" required${o.state.errors?.agree ? html` aria-invalid="true" aria-describedby="f-agree-error"` : ''}> <label for="f-agree">I accept version ${terms.version} of these terms for my vendor, and will use buyers' details only to fill their orders and support them.</label>${o.state.errors?.agree ? html` <span class="error" id="f-agree-error">${o.state.errors.agree}</span>` : ''}</p>
<p><button type="submit">Accept the terms</button></p>`,
      )}`
}`,
  );
}

export const statusText = (s: OrderStatus | string) => s.replace('_', ' ');

export function ordersPage(h: PortalHeader, o: { rows: readonly VendorOrderRow[]; total: number; page: number; pageCount: number; number: string }): Page {
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ ...(o.number && { number: o.number }), ...extra });
    const s = params.toString();
    return s ? `?${s}` : '';
  };
  return portalPage(
    'Orders',
    h,
    html`<h1>Orders of your products</h1>
<p>Paid orders that hold your products, newest first. Open an order to see the buyer's details for filling it: each time you do, the shop records it.</p>
<form method="get" action="/vendor/orders" role="search"><p class="field"><label for="f-number">Order number</label> <input id="f-number" name="number" type="search" maxlength="20" value="${o.number}" placeholder="C-100042"></p><p><button type="submit">Find</button>${o.number ? html` <a href="/vendor/orders">Show all</a>` : ''}</p></form>
<p>${o.total} order${o.total === 1 ? '' : 's'}. <a href="/vendor/orders.csv${query({})}" download>Download as CSV</a> (the ${o.total > 1000 ? '1,000 newest ' : ''}orders listed, with the buyer's details of those still to fill or support; the download is recorded for each order).</p>
${table({
  caption: 'Orders',
  hideCaption: true,
  columns: [{ label: 'Order' }, { label: 'Placed' }, { label: 'Status' }, { label: 'Units', numeric: true }, { label: 'Your lines', numeric: true }],
  rows: o.rows.map((r) => [html`<a href="/vendor/orders/${r.number}">${r.number}</a>`, date(r.createdAt), statusText(r.status), r.units, price(r.vendorMinor, r.currency)]),
  empty: o.number ? 'No order of your products has this number.' : 'There are no paid orders of your products yet.',
})}
${pagination({ page: o.page, pageCount: o.pageCount, href: (p) => `/vendor/orders${query(p > 1 ? { page: String(p) } : {})}` })}`,
  );
}

export function orderPage(h: PortalHeader, o: { number: string; status: string; placed: Date; currency: string; lines: readonly OrderLine[]; buyer: BuyerDetails }): Page {
  const total = o.lines.reduce((s, l) => s + l.total_minor, 0);
  return portalPage(
    `Order ${o.number}`,
    h,
    html`<p><a href="/vendor/orders">All orders</a></p>
<h1>Order ${o.number}</h1>
<p>Placed ${dateTime(o.placed)}. Status: <strong>${statusText(o.status)}</strong>.</p>
<h2>Your products in this order</h2>
${table({
  caption: 'Your lines',
  hideCaption: true,
  columns: [{ label: 'SKU' }, { label: 'Product' }, { label: 'Quantity', numeric: true }, { label: 'Unit price', numeric: true }, { label: 'Line total', numeric: true }],
  rows: o.lines.map((l) => [l.sku, l.name, l.quantity, price(l.unit_minor, o.currency), price(l.total_minor, o.currency)]),
})}
<p>Your lines come to ${price(total, o.currency)}.</p>
<h2>Buyer</h2>
${
  o.buyer.shown
    ? html`<p class="hint">Shared with you to fill this order and support the buyer, under the data-use terms you accepted. This view is recorded.</p>
<dl class="buyer-details">${o.buyer.fields.map((f) => html`<dt>${f.label}</dt><dd>${f.value || html`<span class="hint">not given</span>`}</dd>`)}</dl>`
    : html`<p>${o.buyer.reason}</p>`
}`,
  );
}

export function stockPage(h: PortalHeader, o: { rows: readonly StockRow[]; state: FormState; notice?: string }): Page {
  const errors = Object.entries(o.state.errors ?? {});
  const skuOf = new Map(o.rows.map((r) => [`stock.${r.id}`, r.sku]));
  return portalPage(
    'Stock',
    h,
    html`<h1>Stock of your products</h1>
${
  errors.length
    ? html`<div class="form-errors" role="alert"><p>Nothing was saved. Please check:</p><ul>${errors.map(([name, message]) =>
        skuOf.has(name) ? html`<li><a href="#f-${name}">${skuOf.get(name)}</a>: ${message.replace(`${skuOf.get(name)}: `, '')}</li>` : html`<li>${message}</li>`,
      )}</ul></div>`
    : ''
}
${
  o.rows.length === 0
    ? html`<p>You have no products on sale or in draft.</p>`
    : form(
        { action: '/vendor/stock', csrf: o.state.csrf, novalidate: true },
        html`<p class="hint">Units on hand. Leave a box empty for goods whose stock is not counted (licences, services). All rows are saved together, or none; each change is recorded.</p>
${table({
  caption: 'Stock',
  hideCaption: true,
  columns: [{ label: 'SKU' }, { label: 'Product' }, { label: 'Stock' }],
  rows: o.rows.map((r) => {
    const name = `stock.${r.id}`;
    const error = o.state.errors?.[name];
    const value = o.state.values?.[name] ?? (r.stock === null ? '' : String(r.stock));
    return [
      html`<label for="f-${name}">${r.sku}</label>`,
      html`${r.product_name}${r.variant_name ? html` ${r.variant_name}` : ''}${r.status === 'draft' ? ' (draft)' : ''}`,
      html`<input id="f-${name}" name="${name}" inputmode="numeric" maxlength="10" size="6" value="${value}"${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ''}>${error ? html` <span class="error" id="f-${name}-error">${error}</span>` : ''}`,
    ];
  }),
})}
<p><button type="submit">Save stock</button></p>`,
      )
}`,
  );
}

export function salesPage(h: PortalHeader, o: { rows: readonly VendorSalesRow[] }): Page {
  return portalPage(
    'Sales',
    h,
    html`<h1>Sales of your products</h1>
<p>Per product, from paid orders (orders since cancelled or refunded are left out), per currency.</p>
${table({
  caption: 'Sales per product',
  hideCaption: true,
  columns: [{ label: 'Product' }, { label: 'Orders', numeric: true }, { label: 'Units', numeric: true }, { label: 'Revenue', numeric: true }],
  rows: o.rows.map((r) => [r.name, r.orders, r.units, price(r.revenueMinor, r.currency)]),
  empty: 'Nothing sold yet.',
})}`,
  );
}

export interface WebhookView {
  url: string | null;
  secretAt: Date | null;
  /** The signing secret, only in the answer that made or rotated it. */
  secret: string | null;
  deliveries: readonly DeliveryRow[];
  state: FormState;
  toleranceSeconds: number;
}

const outcomeText: Record<DeliveryRow['outcome'], string> = { delivered: 'Delivered', failed: 'Not delivered', skipped: 'Not sent' };

export function webhookPage(h: PortalHeader, o: WebhookView): Page {
  return portalPage(
    'Webhook',
    h,
    html`<h1>Order webhook</h1>
<p>When an order of your products is paid, and later when it is shipped, cancelled or refunded, this shop sends a signed <code>POST</code> with a JSON body to your address: the event, the order number and status, your lines of the order and, while the order is to be filled or supported, the buyer's name, address, phone and email. Never card or bank details, never another vendor's lines. Each delivery that carries buyer details is recorded, as a view of the order is. Nothing is sent while your vendor is suspended or while nobody at your vendor has accepted the data-use terms in force.</p>
${
  o.secret
    ? html`<div class="notice" role="status"><p><strong>Your signing secret. Copy it now: it is shown only this once.</strong></p>
<p><label for="f-secret">Signing secret</label> <input id="f-secret" readonly size="60" value="${o.secret}"></p></div>`
    : ''
}
${errorSummary(o.state, { url: 'Webhook address' })}
${form(
  { action: '/vendor/webhook', csrf: o.state.csrf, novalidate: true },
  html`${input({ ...o.state, values: { url: o.state.values?.url ?? o.url ?? '' } }, { name: 'url', label: 'Webhook address', maxlength: 2000, hint: 'A full https:// address on the internet. Changing it keeps the secret.', autocomplete: 'url' })}
<p><button type="submit">${o.url ? 'Save address' : 'Turn on the webhook'}</button></p>`,
)}
${
  o.url
    ? html`<p>Secret made ${dateTime(o.secretAt!)}.</p>
${form({ action: '/vendor/webhook/rotate', csrf: o.state.csrf }, html`<p><button type="submit">Make a new secret</button> <span class="hint">The current secret stops at once; update your receiver with the new one.</span></p>`)}
${form({ action: '/vendor/webhook/remove', csrf: o.state.csrf }, html`<p><button type="submit">Turn the webhook off</button></p>`)}`
    : ''
}
<h2>Checking a delivery</h2>
<p>Every request has the header <code>Custodian-Signature: t=&lt;unix time&gt;,v1=&lt;signature&gt;</code>. To accept it:</p>
<ol>
<li>Take <code>t</code> and <code>v1</code> from the header.</li>
<li>Refuse it when <code>t</code> is more than ${o.toleranceSeconds} seconds from your clock (an old request sent again: a replay).</li>
<li>Compute HMAC-SHA256 with your signing secret (the whole text, <code>whsec_</code> included) as the key over <code>t</code>, a full stop and the raw request body, exactly as received; write it as lowercase hex.</li>
<li>Compare it with <code>v1</code> in constant time (for example <code>crypto.timingSafeEqual</code>); refuse it when they differ.</li>
<li>Keep the event's <code>id</code> for a while and ignore a second delivery of the same id: an event is retried until you answer with a 2xx status.</li>
</ol>
<p>Answer within 10 seconds. Any other answer, or none, is tried again later (the waits double, up to an hour; about two and a half hours in all).</p>
<h2>Deliveries</h2>
${table({
  caption: 'Latest deliveries',
  hideCaption: true,
  columns: [{ label: 'Time' }, { label: 'Event' }, { label: 'Order' }, { label: 'Attempt', numeric: true }, { label: 'Result' }, { label: 'Status code', numeric: true }, { label: 'Detail' }],
  rows: o.deliveries.map((d) => [dateTime(d.at), d.event, html`<a href="/vendor/orders/${d.order_number}">${d.order_number}</a>`, d.attempt, outcomeText[d.outcome], d.status_code ?? '', d.detail]),
  empty: 'Nothing sent yet.',
})}`,
  );
}

export interface KeyVariantRow {
  id: string;
  label: string;
  available: number;
  assigned: number;
  revoked: number;
  /** Paid orders on hold for want of keys of this variant, and how many keys they lack. */
  waiting: { orders: number; keys: number } | null;
}

/** The vendor's digital variants with their key counts, and the upload form (keys are never shown back). */
export function licenceKeysPage(h: PortalHeader, o: { variants: readonly KeyVariantRow[]; state: FormState; result?: { added: number; duplicates: number } }): Page {
  const labels = { variant: 'Product', keys: 'Keys, one per line' };
  return portalPage(
    'Licence keys',
    h,
    html`<h1>Licence keys of your products</h1>
<p>The shop hands out one key per licence sold, once, by mail and on the buyer's order page. Keys are kept encrypted and are never shown here again; a refund revokes the keys of its order.</p>
${o.result ? html`<p class="notice" role="status">${o.result.added} key${o.result.added === 1 ? '' : 's'} added${o.result.duplicates ? html`; ${o.result.duplicates} already held (or repeated) and not added` : ''}.</p>` : ''}
${o.variants
  .filter((v) => v.waiting)
  .map(
    (v) =>
      html`<p class="notice waiting-orders"><strong>${v.label}: ${v.waiting!.orders} paid ${v.waiting!.orders === 1 ? 'order waits' : 'orders wait'} for ${v.waiting!.keys} ${v.waiting!.keys === 1 ? 'key' : 'keys'}.</strong> Upload keys below: the ${v.waiting!.orders === 1 ? 'order receives its' : 'orders receive theirs'} at once, oldest first.</p>`,
  )}
${
  o.variants.length === 0
    ? html`<p>You have no licence products on sale or in draft.</p>`
    : html`${table({
        caption: 'Keys per product',
        columns: [{ label: 'Product' }, { label: 'Available' }, { label: 'Handed out' }, { label: 'Revoked' }, { label: 'Orders waiting' }],
        rows: o.variants.map((v) => [v.label, String(v.available), String(v.assigned), String(v.revoked), String(v.waiting?.orders ?? 0)]),
      })}
<h2>Upload keys</h2>
${errorSummary(o.state, labels)}
${form(
  { action: '/vendor/licence-keys', csrf: o.state.csrf },
  html`${select(o.state, { name: 'variant', label: labels.variant, choices: o.variants.map((v) => ({ value: v.id, label: v.label })) })}
${textarea(o.state, { name: 'keys', label: labels.keys, rows: 8, maxlength: 262144, hint: 'Up to 5,000 keys at a time; blank lines are skipped, keys already held are counted and not added.' })}
<p><button type="submit">Upload keys</button></p>`,
)}`
}`,
  );
}

export interface FileVariantRow {
  id: string;
  label: string;
  file: { name: string; size: number; uploadedAt: Date } | null;
}

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** The vendor's digital variants with their downloadable file, and the upload form. */
export function downloadsPage(h: PortalHeader, o: { variants: readonly FileVariantRow[]; state: FormState; maxBytes: number; uploaded: boolean }): Page {
  const labels = { variant: 'Product', file: 'File' };
  const s = o.state;
  const error = (name: string) => (s.errors?.[name] ? html`<span class="error" id="f-${name}-error">${s.errors[name]}</span>` : html``);
  const described = (name: string) => html` aria-describedby="f-${name}-hint${s.errors?.[name] ? ` f-${name}-error` : ''}"${s.errors?.[name] ? html` aria-invalid="true"` : ''}`;
  return portalPage(
    'Downloads',
    h,
    html`<h1>Downloadable files of your products</h1>
<p>Each paid unit of a product with a file may download it: the buyer gets a signed link by mail and on their order page, which works for a limited time; a refund revokes it. Files are stored encrypted.</p>
${o.uploaded ? html`<p class="notice" role="status">The file is uploaded.</p>` : ''}
${
  o.variants.length === 0
    ? html`<p>You have no digital products on sale or in draft.</p>`
    : html`${table({
        caption: 'Files per product',
        columns: [{ label: 'Product' }, { label: 'File' }, { label: 'Size' }, { label: 'Uploaded' }],
        rows: o.variants.map((v) => [v.label, v.file?.name ?? 'None', v.file ? sizeText(v.file.size) : '', v.file ? dateTime(v.file.uploadedAt) : '']),
      })}
<h2>Upload a file</h2>
${errorSummary(s, labels)}
${form(
  { action: '/vendor/downloads', csrf: s.csrf, enctype: 'multipart/form-data' },
  html`${select(s, { name: 'variant', label: labels.variant, choices: o.variants.map((v) => ({ value: v.id, label: v.label })) })}
<p class="field${s.errors?.file ? ' field-error' : ''}"><label for="f-file">${labels.file}</label>
<span class="hint" id="f-file-hint">At most ${Math.round(o.maxBytes / 1024 / 1024)} MB. It replaces the product's file: buyers' links then give the new one.</span>
<input id="f-file" name="file" type="file" required${described('file')}>
${error('file')}</p>
<p><button type="submit">Upload the file</button></p>`,
)}`
}`,
  );
}
