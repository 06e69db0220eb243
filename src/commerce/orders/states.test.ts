import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canTransition, nextStatuses, orderStatuses } from './states.ts';

test('the order state machine follows pending payment → paid → fulfilling → shipped → delivered → completed', () => {
  const path = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed'] as const;
  for (let i = 0; i + 1 < path.length; i++) assert.ok(canTransition(path[i]!, path[i + 1]!, 'ship'), `${path[i]} → ${path[i + 1]}`);
  assert.equal(canTransition('pending_payment', 'shipped', 'ship'), false);
  assert.equal(canTransition('paid', 'completed', 'ship'), false, 'goods are completed only once delivered');
  assert.equal(canTransition('shipped', 'paid', 'ship'), false);
});

test('digital orders may be completed straight from paid and are never shipped', () => {
  assert.ok(canTransition('paid', 'completed', 'digital'));
  assert.equal(canTransition('fulfilling', 'shipped', 'digital'), false);
  assert.equal(canTransition('paid', 'shipped', 'digital'), false);
});

test('on hold comes from pending payment or paid and goes back where it came from, or is cancelled', () => {
  assert.ok(canTransition('pending_payment', 'on_hold', 'ship'));
  assert.ok(canTransition('paid', 'on_hold', 'ship'));
  assert.equal(canTransition('fulfilling', 'on_hold', 'ship'), false);
  assert.ok(canTransition('on_hold', 'paid', 'ship', 'paid'));
  assert.equal(canTransition('on_hold', 'paid', 'ship', 'pending_payment'), false);
  assert.ok(canTransition('on_hold', 'pending_payment', 'ship', 'pending_payment'));
  assert.ok(canTransition('on_hold', 'cancelled', 'ship', 'paid'));
});

test('cancelled and refunded come only from the states the brief names, and are final', () => {
  for (const from of orderStatuses) {
    assert.equal(canTransition(from, 'cancelled', 'ship'), ['pending_payment', 'paid', 'on_hold', 'fulfilling'].includes(from), `${from} → cancelled`);
    assert.equal(canTransition(from, 'refunded', 'ship'), ['paid', 'fulfilling', 'shipped', 'delivered', 'completed'].includes(from), `${from} → refunded`);
  }
  assert.deepEqual(nextStatuses('cancelled', 'ship'), []);
  assert.deepEqual(nextStatuses('refunded', 'digital'), []);
});
