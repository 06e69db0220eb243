// The detector of card-like and SSN-like numbers (P002-16): what it masks, and what it must leave
// alone in ordinary support messages (order numbers, phone numbers, dates, amounts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { luhn, maskSensitive, maskWarning } from './masking.ts';

test('card numbers, with or without spaces and dashes, keep only their last four digits', () => {
  const cases: [string, string][] = [
    ['my card 4111 1111 1111 1111 was charged twice', 'my card •••• •••• •••• 1111 was charged twice'],
    ['4111-1111-1111-1111', '••••-••••-••••-1111'],
    ['number:4111111111111111.', 'number:••••••••••••1111.'],
    ['amex 3782 822463 10005 ok', 'amex •••• •••••• •0005 ok'],
    ['mastercard 5555555555554444', 'mastercard ••••••••••••4444'],
    ['call 555 4111 1111 1111 1111 please', 'call 555 •••• •••• •••• 1111 please'],
    ['two: 4111111111111111 and 5555 5555 5555 4444', 'two: ••••••••••••1111 and •••• •••• •••• 4444'],
  ];
  for (const [input, masked] of cases) {
    const m = maskSensitive(input);
    assert.equal(m.text, masked, input);
    assert.ok(m.cards >= 1 && m.ssns === 0, input);
  }
  assert.equal(maskSensitive('two: 4111111111111111 and 5555 5555 5555 4444').cards, 2);
});

test('social-security-like numbers are masked; nine bare digits only after the words', () => {
  assert.deepEqual(maskSensitive('SSN 123-45-6789 thanks'), { text: 'SSN •••-••-6789 thanks', cards: 0, ssns: 1 });
  assert.equal(maskSensitive('mine is 123 45 6789').text, 'mine is ••• •• 6789');
  assert.equal(maskSensitive('social security number: 123456789').text, 'social security number: •••••6789');
  assert.equal(maskSensitive('ssn#078051120').ssns, 1);
  // Not valid SSNs: area 000, 666 or 9xx, group 00, serial 0000.
  for (const s of ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000']) assert.equal(maskSensitive(s).ssns, 0, s);
});

test('order numbers, phone numbers, dates, amounts and non-Luhn numbers are left alone', () => {
  const plain = [
    'Order C-100042 arrived broken',
    'order number 100042, tracking 1Z999AA10123456784',
    'call me on +1 (555) 123-4567 or 555-123-4567 or +44 20 7946 0958',
    'on 2026-12-06 at 10:30, and again 06/12/2026',
    'I paid $1,299.00 (1299 cents) for 3 items',
    'serial 4111 1111 1111 1112 is not a card',
    '1234567890123',
    'invoice 2026-000123-0042',
    'phone 0049 30 12345678',
    'account 123456789 with no words before it',
  ];
  for (const text of plain) assert.deepEqual(maskSensitive(text), { text, cards: 0, ssns: 0 }, text);
});

test('the Luhn check and the warning', () => {
  assert.ok(luhn('4111111111111111'));
  assert.ok(!luhn('4111111111111112'));
  assert.equal(maskWarning({ cards: 0, ssns: 0 }), null);
  assert.match(maskWarning({ cards: 1, ssns: 0 })!, /removed what looked like a card number/);
  assert.match(maskWarning({ cards: 2, ssns: 1 })!, /card numbers and a social security number/);
});
