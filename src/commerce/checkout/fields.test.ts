import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../platform/errors.ts';
import { loadDataMap } from '../../privacy/index.ts';
import { allFields, fieldsFor, methodsFor, type CheckoutSettings } from './fields.ts';
import { readCheckoutInput } from './input.ts';

const plain: CheckoutSettings = { requirePhones: false, invoiceRecipient: null };
const strict: CheckoutSettings = { requirePhones: true, invoiceRecipient: 'credit-agency' };
const digital = { needsShipping: false, totalMinor: 1999 };
const physical = { needsShipping: true, totalMinor: 4999 };
const names = (method: Parameters<typeof fieldsFor>[0], cart: { needsShipping: boolean }, s = plain) => fieldsFor(method, cart, s).map((f) => f.name);
const ADDRESS = ['ship_line1', 'ship_line2', 'ship_postal_code', 'ship_city', 'ship_country'];
const BILLING = ['billing_line1', 'billing_line2', 'billing_postal_code', 'billing_city', 'billing_country'];

test('every field declares its purpose: a purpose of the data map that may hold the field’s category', () => {
  const map = loadDataMap(fileURLToPath(new URL('../../../datamap', import.meta.url)));
  for (const f of allFields()) {
    assert.ok(map.purposes.get(f.purpose)?.categories.has(f.category), `${f.name}: purpose "${f.purpose}" holds ${f.category}`);
  }
  assert.equal(allFields().find((f) => f.name === 'age')?.purpose, 'account');
});

test('card + digital asks name, email and the age statement only, no address', () => {
  assert.deepEqual(names('card', digital), ['name', 'email', 'age']);
  assert.ok(fieldsFor('card', digital, plain).every((f) => f.category !== 'user.contact.address'));
});

test('a physical item adds the delivery address, and nothing else', () => {
  assert.deepEqual(names('card', physical), ['name', 'email', 'age', ...ADDRESS]);
});

test('bank account asks the account holder’s address; invoice asks company and invoice address; free asks nothing of payment', () => {
  assert.deepEqual(names('bank-account', digital), ['name', 'email', 'age', ...BILLING]);
  assert.deepEqual(names('invoice', digital, strict).slice(5), ['organization', ...BILLING]);
  assert.deepEqual(names('free', digital), ['name', 'email', 'age']);
  assert.deepEqual(names('free', physical), ['name', 'email', 'age', ...ADDRESS]);
});

test('a shop may require home and business phone, and offers invoice only with a credit-approval recipient', () => {
  assert.deepEqual(names('card', digital, strict), ['name', 'email', 'age', 'phone_home', 'phone_business']);
  assert.deepEqual(methodsFor(physical, plain), ['card', 'bank-account']);
  assert.deepEqual(methodsFor(physical, strict), ['card', 'bank-account', 'invoice']);
  assert.deepEqual(methodsFor({ totalMinor: 0 }, strict), ['free']);
});

test('a field the method does not declare is refused with a 400 naming it', () => {
  const body = { method: 'card', name: 'Ada Lovelace', email: 'ada@example.com', age: 'adult', ship_city: 'London', phone_home: '+44 20 7946 0000' };
  assert.throws(
    () => readCheckoutInput(body, digital, plain),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 400);
      assert.deepEqual(err.fields.map((f) => f.field).sort(), ['body.phone_home', 'body.ship_city']);
      return true;
    },
  );
  // Without them, the same request passes, and carries just the declared values.
  const ok = readCheckoutInput({ method: 'card', name: ' Ada Lovelace ', email: 'ada@example.com', age: 'adult', idempotency_key: 'k-0123456789' }, digital, plain);
  assert.deepEqual(ok.values, { name: 'Ada Lovelace', email: 'ada@example.com', age: 'adult' });
});

test('checkout requires the age statement; each declared field is checked and named', () => {
  assert.throws(
    () => readCheckoutInput({ method: 'card', name: '', email: 'nope', age: 'teen' }, physical, plain),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      const fields = err.fields.map((f) => f.field);
      for (const f of ['body.name', 'body.email', 'body.age', 'body.ship_line1', 'body.ship_postal_code', 'body.ship_city', 'body.ship_country']) assert.ok(fields.includes(f), f);
      assert.ok(!fields.includes('body.ship_line2'), 'line 2 is optional');
      return true;
    },
  );
});

test('a method not offered for this order is refused naming body.method', () => {
  assert.throws(
    () => readCheckoutInput({ method: 'invoice' }, digital, plain),
    (err: unknown) => err instanceof AppError && err.code === 'PAYMENT_METHOD_NOT_OFFERED' && err.fields[0]!.field === 'body.method',
  );
  assert.throws(
    () => readCheckoutInput({ method: 'card' }, { needsShipping: false, totalMinor: 0 }, plain),
    (err: unknown) => err instanceof AppError && err.code === 'PAYMENT_METHOD_NOT_OFFERED',
  );
  assert.throws(
    () => readCheckoutInput({ method: 'cash' }, digital, plain),
    (err: unknown) => err instanceof AppError && err.status === 400,
  );
});

test('every field name is unique across the registry', () => {
  const all = allFields().map((f) => f.name);
  assert.equal(new Set(all).size, all.length);
});
