// The account pages of saved baskets and gift lists: plain forms, each with the CSRF field.
import { formatMoney } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import type { VariantForSale } from '../../catalogue/index.ts';
import { lineLimits } from '../../pricing/index.ts';
import type { SavedList } from '../saved.ts';
import { savedListLimits } from '../saved.ts';
import type { SavedListKind } from '../tables.ts';
import type { Page } from './cart.ts';
import { form } from '../../../web/form.ts';
import { confirmDialog } from '../../../web/confirm.ts';
import { table } from '../../../web/table.ts';

export const savedListPaths: Record<SavedListKind, string> = { basket: '/account/baskets', gift: '/account/lists' };
const titles: Record<SavedListKind, { many: string; one: string }> = {
  basket: { many: 'Saved baskets', one: 'Saved basket' },
  gift: { many: 'Gift lists', one: 'Gift list' },
};

function postButton(action: string, csrf: string, label: string, hidden: Record<string, string> = {}): SafeHtml {
  return html`${form({ action: action, csrf, className: 'inline' }, html`${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit">${label}</button>`)}`;
}

function problem(error?: string): SafeHtml | '' {
  return error ? html`<p class="error" role="alert">${error}</p>` : '';
}

function nameForm(kind: SavedListKind, csrf: string, cartItems: number): SafeHtml {
  const base = savedListPaths[kind];
  if (kind === 'basket' && cartItems === 0) return html`<p>Your cart is empty. Add items to it, then save them here as a basket.</p>`;
  return html`${form(
    { action: base, csrf: csrf },
    html`
<p class="field"><label for="list-name">${kind === 'basket' ? `Save your cart (${cartItems} ${cartItems === 1 ? 'item' : 'items'}) as` : 'New gift list'}</label>
<input id="list-name" name="name" type="text" required maxlength="${savedListLimits.nameLength}" placeholder="${kind === 'basket' ? 'e.g. Office supplies' : 'e.g. Birthday'}"></p>
<button type="submit">${kind === 'basket' ? 'Save basket' : 'Create list'}</button>
`,
  )}`;
}

export function savedListsPage(kind: SavedListKind, lists: readonly SavedList[], csrf: string, cartItems: number, error?: string): Page {
  const base = savedListPaths[kind];
  return {
    audience: 'account',
    title: titles[kind].many,
    body: html`<section class="saved-lists">
<p><a href="/account">Your account</a></p>
<h1>${titles[kind].many}</h1>
<p class="meta">Only you can see these. ${kind === 'basket' ? 'A saved basket keeps a cart for later.' : 'A gift list keeps what you would like, or want to give.'}</p>
${problem(error)}
${lists.length === 0 ? html`<p>You have none yet.</p>` : ''}
<ul class="lists">
${lists.map(
  (l) => html`<li><a href="${base}/${l.id}">${l.name}</a> <span class="meta">${l.lines.length} ${l.lines.length === 1 ? 'item' : 'items'}</span>
${l.lines.length ? postButton(`${base}/${l.id}/to-cart`, csrf, 'Put in cart') : ''} ${postButton(`${base}/${l.id}/delete`, csrf, 'Delete')}</li>`,
)}
</ul>
<h2>${kind === 'basket' ? 'Save your cart' : 'Start a gift list'}</h2>
${nameForm(kind, csrf, cartItems)}
</section>`,
  };
}

export function savedListPage(list: SavedList, variants: ReadonlyMap<string, VariantForSale>, csrf: string, cartItems: number, error?: string): Page {
  const base = `${savedListPaths[list.kind]}/${list.id}`;
  return {
    audience: 'account',
    title: list.name,
    body: html`<section class="saved-list">
<p><a href="${savedListPaths[list.kind]}">${titles[list.kind].many}</a></p>
<h1>${list.name}</h1>
${problem(error)}
${
  list.lines.length === 0
    ? html`<p>This list is empty.</p>`
    : table({
        caption: 'Items',
        columns: [{ label: 'Item' }, { label: 'SKU' }, { label: 'Price', numeric: true }, { label: 'Quantity', numeric: true }, { label: 'Remove', hideLabel: true }],
        rows: list.lines.map((l) => {
          const v = variants.get(l.variantId);
          const name = v ? (v.variant_name === 'Standard' ? v.product_name : `${v.product_name} (${v.variant_name})`) : 'An item no longer sold';
          return [
            v && v.status === 'active' ? html`<a href="/products/${v.product_slug}">${name}</a>` : name,
            v ? html`<code>${v.sku}</code>` : '',
            v ? formatMoney(v.price_minor, v.currency) : '',
            l.quantity,
            postButton(`${base}/items/remove`, csrf, 'Remove', { variant_id: l.variantId }),
          ];
        }),
      })
}
<p>${list.lines.length ? postButton(`${base}/to-cart`, csrf, 'Put everything in my cart') : ''}
${cartItems > 0 ? postButton(`${base}/add-cart`, csrf, `Add my cart (${cartItems} ${cartItems === 1 ? 'item' : 'items'}) to this list`) : ''}</p>
<h2>Add an item</h2>
${form(
  { action: `${base}/items`, csrf: csrf },
  html`
<p class="field"><label for="item-sku">SKU</label> <input id="item-sku" name="sku" type="text" required maxlength="64"></p>
<p class="field"><label for="item-quantity">Quantity</label> <input id="item-quantity" name="quantity" type="number" min="1" max="${lineLimits.maxQuantity}" value="1" required></p>
<button type="submit">Add to list</button>
`,
)}
<h2>Delete</h2>
${postButton(`${base}/delete`, csrf, list.kind === 'basket' ? 'Delete this basket' : 'Delete this list')}
</section>`,
  };
}

/** Asked before a saved basket or gift list is deleted: it cannot be brought back. */
export function confirmDeletePage(list: SavedList, csrf: string): Page {
  const what = list.kind === 'basket' ? 'basket' : 'gift list';
  return confirmDialog({
    audience: 'account',
    title: `Delete the ${what} “${list.name}”?`,
    consequence: `The ${what} and its ${list.lines.length} ${list.lines.length === 1 ? 'item' : 'items'} are deleted for good; your cart is not changed.`,
    action: `${savedListPaths[list.kind]}/${list.id}/delete`,
    csrf,
    confirmLabel: `Delete the ${what}`,
    cancelHref: `${savedListPaths[list.kind]}/${list.id}`,
    danger: true,
  });
}
