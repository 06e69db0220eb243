// Money as every page shows it: integer minor units in the shop's currency, one element to style.
import { formatMoney } from './format.ts';
import { html, type SafeHtml } from './template.ts';

export function price(minor: number, currency: string): SafeHtml {
  return html`<span class="price">${formatMoney(minor, currency)}</span>`;
}
