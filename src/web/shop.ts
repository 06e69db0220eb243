// The shop's components: a price, a product card and the buy box. They take plain props (the
// storefront maps catalogue rows to them), so the web layer knows no module.
import { form } from './form.ts';
import { price as money } from './price.ts';
import { html, type SafeHtml } from './template.ts';

export interface PriceProps {
  minor: number;
  currency: string;
}

export function price(p: PriceProps): SafeHtml {
  return html`${money(p.minor, p.currency)} <span class="currency">${p.currency}</span>`;
}

export type KindId = 'digital' | 'physical' | 'service';

export const kindLabels: Record<KindId, string> = {
  digital: 'Digital',
  physical: 'Physical',
  service: 'Service',
};

export function kindBadge(kind: KindId): SafeHtml {
  return html`<span class="badge badge-${kind}">${kindLabels[kind]}</span>`;
}

/** Stock of one variant: a count, "Out of stock", or no limit when stock is not tracked. */
export function stockText(stock: number | null): SafeHtml {
  if (stock === null) return html`<span class="stock">Always available</span>`;
  if (stock <= 0) return html`<span class="stock stock-out">Out of stock</span>`;
  return html`<span class="stock stock-in">In stock: ${stock}</span>`;
}

export interface ProductCardProps {
  href: string;
  name: string;
  /** Who sells it and where it sits, e.g. ["Corvid", "Laptops"]. */
  meta: readonly string[];
  kind: KindId;
  /** The lowest price; `from` when the variants differ in price. */
  price: (PriceProps & { from: boolean }) | null;
  /** undefined when stock is not tracked. */
  inStock?: boolean;
  /** The card's heading level: one below the section it sits in. */
  headingLevel: 2 | 3;
  /** The product's picture (or its placeholder), rendered by the caller (src/web/image.ts). */
  picture?: SafeHtml;
}

export function productCard(p: ProductCardProps): SafeHtml {
  const link = html`<a href="${p.href}">${p.name}</a>`;
  const stock = p.inStock === undefined ? '' : p.inStock ? html`<span class="stock stock-in">In stock</span>` : html`<span class="stock stock-out">Out of stock</span>`;
  return html`<li class="card">
${p.picture ?? ''}
${p.headingLevel === 2 ? html`<h2>${link}</h2>` : html`<h3>${link}</h3>`}
<p class="meta">${p.meta.join(' · ')}</p>
<p>${kindBadge(p.kind)} ${p.price ? html`${p.price.from ? 'From ' : ''}${price(p.price)}` : html`<span class="meta">No price yet</span>`} ${stock}</p>
</li>`;
}

export function productGrid(cards: readonly ProductCardProps[]): SafeHtml {
  return html`<ul class="grid">${cards.map(productCard)}</ul>`;
}

export interface BuyOption extends PriceProps {
  id: string;
  name: string;
  sku: string;
  /** null: not stock-tracked. */
  stock: number | null;
  /** A plan's billing period ("month"): the price is charged each period. */
  per?: string | null;
}

export interface BuyBoxProps {
  action: string;
  /** The form's CSRF token (a cached page carries a placeholder the route replaces). */
  csrfToken: string;
  options: readonly BuyOption[];
  maxQuantity: number;
}

const available = (o: BuyOption) => o.stock === null || o.stock > 0;

/**
 * One form: the option as radio buttons (price and stock each; sold-out ones disabled, saying
 * why), a quantity and one "Add to cart" button whose accessible name is its visible label.
 */
export function buyBox(b: BuyBoxProps): SafeHtml {
  if (b.options.length === 0) return html`<section class="buy-box" aria-label="Buy"><p>This product has no options on sale yet.</p></section>`;
  const buyable = b.options.filter(available);
  const first = buyable[0];
  const choice = (o: BuyOption) => {
    const id = `option-${o.id}`;
    // A sold-out option has no name: it is not part of what the form can send.
    const input = available(o)
      ? html`<input type="radio" id="${id}" name="variant_id" value="${o.id}"${o === first ? ' checked' : ''} required>`
      : html`<input type="radio" id="${id}" disabled aria-describedby="${id}-why">`;
    const stock = available(o) ? stockText(o.stock) : html`<span class="stock stock-out" id="${id}-why">Out of stock</span>`;
    return html`<li class="buy-option">${input} <label for="${id}"><span class="buy-option-name">${o.name}</span> <span class="meta">SKU <code>${o.sku}</code></span> ${price(o)}${o.per ? html` <span class="meta">per ${o.per}</span>` : ''}</label> ${stock}</li>`;
  };
  const options = html`<fieldset>
<legend>Choose an option</legend>
<ul class="buy-options">${b.options.map(choice)}</ul>
</fieldset>`;
  if (!first) return html`<section class="buy-box" aria-label="Buy">${options}<p class="stock stock-out">Every option is out of stock.</p></section>`;
  // The most any option allows; the cart checks the chosen one's stock.
  const max = Math.max(1, Math.min(b.maxQuantity, Math.max(...buyable.map((o) => o.stock ?? b.maxQuantity))));
  return form(
    { action: b.action, csrf: b.csrfToken, className: 'buy-box' },
    html`
${options}
<p class="buy-quantity"><label for="buy-quantity">Quantity</label> <input id="buy-quantity" name="quantity" type="number" inputmode="numeric" min="1" max="${max}" value="1" required></p>
<p><button type="submit">Add to cart</button></p>
`,
  );
}
