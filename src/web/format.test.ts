import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMoney } from './format.ts';

test('formatMoney uses each currency’s own decimals, also after another currency was formatted', () => {
  assert.equal(formatMoney(129900, 'USD'), '$1,299.00');
  assert.equal(formatMoney(1299, 'JPY'), '¥1,299');
  assert.equal(formatMoney(1250, 'EUR'), '€12.50');
  assert.equal(formatMoney(5, 'USD'), '$0.05');
  assert.equal(formatMoney(5, 'JPY'), '¥5');
  assert.equal(formatMoney(1234, 'BHD'), 'BHD\u00a01.234');
});

test('formatMoney refuses a currency code that is not one', () => {
  assert.throws(() => formatMoney(100, 'not a currency'), RangeError);
});
