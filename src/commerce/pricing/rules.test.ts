import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../platform/config.ts';
import { pricingRulesFrom, shippingFor, taxOn, type PricingRules } from './rules.ts';

const rules = (r: Partial<PricingRules>): PricingRules => ({
  currency: 'USD',
  taxRateBasisPoints: 0,
  shippingFlatMinor: 0,
  shippingPerItemMinor: 0,
  shippingFreeFromMinor: 0,
  ...r,
});

test('tax is rate × amount / 10 000, rounded half up to a whole minor unit', () => {
  const r = rules({ taxRateBasisPoints: 1950 }); // 19.5%
  assert.equal(taxOn(r, 100), 20); // 19.5 → 20 (half up)
  assert.equal(taxOn(r, 102), 20); // 19.89 → 20
  assert.equal(taxOn(r, 1), 0); // 0.195 → 0
  assert.equal(taxOn(r, 0), 0);
  assert.equal(taxOn(rules({ taxRateBasisPoints: 2500 }), 2), 1); // 0.5 → 1
  assert.equal(taxOn(rules({ taxRateBasisPoints: 2500 }), 6), 2); // 1.5 → 2
  assert.equal(taxOn(rules({ taxRateBasisPoints: 0 }), 999_999), 0);
  // Large orders keep exact integers (would lose precision as a float product).
  assert.equal(taxOn(rules({ taxRateBasisPoints: 10_000 }), 2 ** 31 * 99 * 50), 2 ** 31 * 99 * 50);
  assert.equal(taxOn(rules({ taxRateBasisPoints: 1 }), 9_007_199_254_740), 900_719_925);
});

test('shipping: flat plus per physical unit, nothing without physical units, free from the threshold', () => {
  const r = rules({ shippingFlatMinor: 500, shippingPerItemMinor: 100, shippingFreeFromMinor: 10_000 });
  assert.equal(shippingFor(r, 0, 0), 0);
  assert.equal(shippingFor(r, 1, 999), 600);
  assert.equal(shippingFor(r, 3, 9_999), 800);
  assert.equal(shippingFor(r, 3, 10_000), 0);
  assert.equal(shippingFor(rules({ shippingFlatMinor: 500 }), 2, 10 ** 9), 500, 'threshold 0 means never free');
});

test('the rules come from the settings', () => {
  const config = loadConfig({ SHOP_TAX_RATE: '2000', SHIPPING_FLAT_MINOR: '450', SHIPPING_PER_ITEM_MINOR: '50', SHIPPING_FREE_FROM_MINOR: '5000', CURRENCY: 'EUR' });
  assert.deepEqual(pricingRulesFrom(config), { currency: 'EUR', taxRateBasisPoints: 2000, shippingFlatMinor: 450, shippingPerItemMinor: 50, shippingFreeFromMinor: 5000 });
  const defaults = pricingRulesFrom(loadConfig({}));
  assert.equal(defaults.taxRateBasisPoints, 0);
  assert.equal(defaults.shippingFlatMinor, 500);
});
