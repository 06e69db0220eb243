// Prices a list of cart lines from the catalogue's current prices (one query), then adds shipping
// and tax by the shop's rules. Lines must all be on sale and in one currency.
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { variantsForSale, type ProductKind, type VariantForSale } from '../catalogue/index.ts';
import { shippingFor, taxOn, type PricingRules } from './rules.ts';

export interface CartLine {
  variantId: string;
  quantity: number;
}

/** Limits of one cart or order: they keep every sum well inside integer range. */
export const lineLimits = { maxQuantity: 99, maxLines: 50 } as const;

export interface PricedLine {
  variantId: string;
  productId: string;
  vendorId: string;
  sku: string;
  /** Product name, with the variant's name when it has one other than "Standard". */
  name: string;
  productName: string;
  productSlug: string;
  variantName: string;
  kind: ProductKind;
  quantity: number;
  unitMinor: number;
  totalMinor: number;
  /** Units on hand now (null: not tracked); shown, never relied on (reserveStock decides). */
  stock: number | null;
  /** A plan's billing period (the name says "per month"); absent: bought once. */
  billingPeriod?: 'month' | 'year';
}

export interface PricedCart {
  currency: string;
  lines: PricedLine[];
  subtotalMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  /** True when any line is physical (the order needs an address). */
  needsShipping: boolean;
}

export interface PriceOptions {
  /** Charge shipping for physical lines (false: shipping is left out, e.g. before an address is asked). */
  shipTo: boolean;
  /** The shop's rules: `pricingRulesFrom(config)` of the caller's settings (no process-wide default, decision 0034). */
  rules: PricingRules;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkLines(lines: readonly CartLine[]): void {
  if (lines.length > lineLimits.maxLines) throw validationError('lines', `must hold at most ${lineLimits.maxLines} lines`);
  lines.forEach((line, i) => {
    if (typeof line.variantId !== 'string' || !uuidRe.test(line.variantId)) throw validationError(`lines.${i}.variantId`, 'must be a UUID');
    const q = line.quantity;
    if (!Number.isInteger(q) || q < 1 || q > lineLimits.maxQuantity) {
      throw validationError(`lines.${i}.quantity`, `must be a whole number from 1 to ${lineLimits.maxQuantity}`);
    }
  });
}

export async function priceLines(db: Db, lines: readonly CartLine[], options: PriceOptions): Promise<PricedCart> {
  checkLines(lines);
  return priceLinesOf(await variantsForSale(db, [...new Set(lines.map((l) => l.variantId.toLowerCase()))]), lines, options);
}

/** The same, from the variants' sale facts the caller already read in its transaction (`variantsForSale`; extra rows are ignored). */
export function priceLinesOf(rows: readonly VariantForSale[], lines: readonly CartLine[], options: PriceOptions): PricedCart {
  checkLines(lines);
  const { rules } = options;
  const byId = new Map(rows.map((r) => [r.variant_id, r]));

  const priced = lines.map((line, i): PricedLine => {
    const row = byId.get(line.variantId.toLowerCase());
    const field = `lines.${i}.variantId`;
    if (!row) throw new AppError('NOT_FOUND', `${field}: no variant has this id`, [{ field, message: 'no variant has this id' }]);
    if (row.status !== 'active') {
      throw new AppError('PRODUCT_UNAVAILABLE', `${field}: ${row.sku} is not on sale`, [{ field, message: `${row.sku} is not on sale` }]);
    }
    return {
      variantId: row.variant_id,
      productId: row.product_id,
      vendorId: row.vendor_id,
      sku: row.sku,
      name: `${row.variant_name === 'Standard' ? row.product_name : `${row.product_name} (${row.variant_name})`}${row.billing_period ? `, per ${row.billing_period}` : ''}`,
      productName: row.product_name,
      productSlug: row.product_slug,
      variantName: row.variant_name,
      kind: row.kind,
      quantity: line.quantity,
      unitMinor: row.price_minor,
      totalMinor: row.price_minor * line.quantity,
      stock: row.stock,
      ...(row.billing_period ? { billingPeriod: row.billing_period } : {}),
    };
  });

  const currencies = new Set(lines.map((l) => byId.get(l.variantId.toLowerCase())!.currency));
  if (currencies.size > 1) {
    throw new AppError('MIXED_CURRENCIES', `lines: priced in ${[...currencies].sort().join(' and ')}; buy them separately`, [{ field: 'lines', message: 'are priced in more than one currency' }]);
  }
  const currency = currencies.values().next().value ?? rules.currency;
  const physical = priced.filter((l) => l.kind === 'physical');
  const needsShipping = physical.length > 0;
  const subtotalMinor = priced.reduce((sum, l) => sum + l.totalMinor, 0);
  const shippingMinor = options.shipTo
    ? shippingFor(
        rules,
        physical.reduce((n, l) => n + l.quantity, 0),
        physical.reduce((sum, l) => sum + l.totalMinor, 0),
      )
    : 0;
  const taxMinor = taxOn(rules, subtotalMinor + shippingMinor);
  return { currency, lines: priced, subtotalMinor, shippingMinor, taxMinor, totalMinor: subtotalMinor + shippingMinor + taxMinor, needsShipping };
}
