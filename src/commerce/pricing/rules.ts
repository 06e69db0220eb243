// Tax and shipping as simple rules from the settings (SHOP_TAX_RATE, SHIPPING_*). Pure integer
// arithmetic on minor units; the only rounding is the tax, rounded half up once per order.
import type { Config } from '../../platform/config.ts';

export interface PricingRules {
  /** The currency of an empty cart (a cart with lines takes its lines' currency). */
  currency: string;
  /** Basis points: 2000 is 20%. */
  taxRateBasisPoints: number;
  shippingFlatMinor: number;
  shippingPerItemMinor: number;
  /** Physical goods worth at least this ship free; 0: never free. */
  shippingFreeFromMinor: number;
}

export function pricingRulesFrom(config: Config): PricingRules {
  return {
    currency: config.currency,
    taxRateBasisPoints: config.taxRateBasisPoints,
    shippingFlatMinor: config.shippingFlatMinor,
    shippingPerItemMinor: config.shippingPerItemMinor,
    shippingFreeFromMinor: config.shippingFreeFromMinor,
  };
}

export const defaultPricingRules: PricingRules = {
  currency: 'USD',
  taxRateBasisPoints: 0,
  shippingFlatMinor: 500,
  shippingPerItemMinor: 0,
  shippingFreeFromMinor: 0,
};

/** Shipping of `units` physical units worth `physicalMinor`: flat + per unit, free from the threshold. */
export function shippingFor(rules: PricingRules, units: number, physicalMinor: number): number {
  if (units === 0) return 0;
  if (rules.shippingFreeFromMinor > 0 && physicalMinor >= rules.shippingFreeFromMinor) return 0;
  return rules.shippingFlatMinor + rules.shippingPerItemMinor * units;
}

/**
 * Tax on `taxableMinor`: taxable × rate / 10 000, rounded half up to a whole minor unit (0.5 → 1).
 * Computed in BigInt, so large orders cannot lose precision.
 */
export function taxOn(rules: PricingRules, taxableMinor: number): number {
  const scaled = BigInt(taxableMinor) * BigInt(rules.taxRateBasisPoints);
  return Number((scaled + 5_000n) / 10_000n);
}
