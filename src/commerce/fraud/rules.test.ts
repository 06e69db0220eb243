// The risk rules on their own: which rules an order matches, each off when not set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchingRules, NO_RULES, type RiskRules } from './rules.ts';

const order = { shipCountry: 'US', billingCountry: 'US', totalMinor: 5_000, currency: 'USD', recentOrders: 1 };

test('risk rules: each rule fires on its own condition, and none fires when all are off', () => {
  const all: RiskRules = { countryMismatch: true, velocity: { orders: 3, hours: 24 }, amount: { minor: 100_000, currency: 'USD' } };
  assert.deepEqual(matchingRules(NO_RULES, { ...order, billingCountry: 'DE', recentOrders: 99, totalMinor: 10_000_000 }), []);
  assert.deepEqual(matchingRules(all, order), []);
  assert.deepEqual(matchingRules(all, { ...order, billingCountry: 'DE' }), ['country_mismatch']);
  assert.deepEqual(matchingRules(all, { ...order, billingCountry: null }), [], 'no billing address: nothing to compare');
  assert.deepEqual(matchingRules(all, { ...order, recentOrders: 2 }), []);
  assert.deepEqual(matchingRules(all, { ...order, recentOrders: 3 }), ['velocity']);
  assert.deepEqual(matchingRules(all, { ...order, totalMinor: 100_000 }), ['amount']);
  assert.deepEqual(matchingRules(all, { ...order, totalMinor: 100_000, currency: 'EUR' }), [], 'a limit in another currency does not apply');
  assert.deepEqual(matchingRules(all, { ...order, billingCountry: 'DE', recentOrders: 5, totalMinor: 200_000 }), ['country_mismatch', 'velocity', 'amount']);
});
