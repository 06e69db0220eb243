import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bankOutcome, cardBrand, cardOutcome, luhnValid, routingValid, tokenisable, validateBank, validateCard } from './cards.ts';

const now = new Date('2026-11-23T12:00:00Z');

test('card checks: Luhn, brand, expiry and CVC, each with a message naming its field', () => {
  assert.equal(luhnValid('4242424242424242'), true);
  assert.equal(luhnValid('4242424242424241'), false);
  assert.equal(cardBrand('5555555555554444'), 'mastercard');
  assert.equal(cardBrand('378282246310005'), 'amex');
  assert.deepEqual(validateCard({ number: '4242 4242 4242 4242', expiry: '11/26', cvc: '123', name: 'A' }, now).errors, [], 'this month still counts');
  const fields = (input: Partial<Parameters<typeof validateCard>[0]>) => validateCard({ number: '4242424242424242', expiry: '12/30', cvc: '123', name: 'A', ...input }, now).errors.map((e) => e.field);
  assert.deepEqual(fields({ number: '1234' }), ['number']);
  assert.deepEqual(fields({ expiry: '10/26' }), ['expiry']);
  assert.deepEqual(fields({ expiry: '13/30' }), ['expiry']);
  assert.deepEqual(fields({ expiry: 'soon' }), ['expiry']);
  assert.deepEqual(fields({ number: '378282246310005', cvc: '123' }), ['cvc'], 'American Express has a 4-digit code');
  assert.deepEqual(fields({ name: ' ' }), ['name']);
});

test("outcomes follow Stripe's test numbers; bank accounts ending 0000 fail for good", () => {
  assert.deepEqual(cardOutcome('4242424242424242'), { ok: true });
  assert.equal((cardOutcome('4000000000000002') as { code: string }).code, 'card_declined');
  assert.equal((cardOutcome('4000000000009995') as { code: string }).code, 'insufficient_funds');
  assert.equal((bankOutcome('000111110000') as { final: boolean }).final, true);
  assert.deepEqual(bankOutcome('000123456789'), { ok: true });
  assert.equal(routingValid('110000000'), true);
  assert.equal(routingValid('110000001'), false);
  assert.deepEqual(
    validateBank({ holder: 'A', routing: '110000000', account: '12' }).errors.map((e) => e.field),
    ['account'],
  );
});

test('what is kept of a number: brand, last four and a keyed fingerprint, never the digits', () => {
  const key = Buffer.alloc(32, 7);
  const kept = tokenisable('card', '4242424242424242', 'visa', key);
  assert.equal(kept.last4, '4242');
  assert.ok(!JSON.stringify(kept).includes('424242424242'));
  assert.equal(tokenisable('card', '4242424242424242', 'visa', key).fingerprint, kept.fingerprint, 'the same card, the same fingerprint');
  assert.notEqual(tokenisable('card', '4242424242424242', 'visa', Buffer.alloc(32, 8)).fingerprint, kept.fingerprint, 'keyed by the processor');
});
