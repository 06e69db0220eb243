import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs } from './backoff.ts';
import { jobErrorText } from './error-text.ts';
import { AppError } from '../errors.ts';

test('jobs: retry delays double per attempt, carry at most 25 % jitter, and stop at the cap', () => {
  const backoff = { baseMs: 1000, maxMs: 10_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, backoff, () => 0)),
    [1000, 2000, 4000, 8000, 10_000],
  );
  assert.equal(
    retryDelayMs(1, backoff, () => 0.999),
    1250,
  );
  assert.equal(
    retryDelayMs(30, backoff, () => 0.5),
    11_250,
  );
  // Even the largest jitter on one attempt stays below the smallest delay of the next.
  for (let n = 1; n < 4; n++) assert.ok(retryDelayMs(n, backoff, () => 0.999) < retryDelayMs(n + 1, backoff, () => 0));
});

test('jobs: a stored job error is a code and a message with personal data scrubbed, without a stack', () => {
  assert.equal(jobErrorText(new Error('no mailbox for jo.customer@example.com')), 'Error: no mailbox for [redacted]');
  assert.equal(jobErrorText(new AppError('NOT_FOUND', 'Order 12 was not found.')), 'NOT_FOUND: Order 12 was not found.');
  assert.equal(jobErrorText(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), 'ETIMEDOUT: timed out');
  assert.equal(jobErrorText('card 4111 1111 1111 1111 declined'), 'ERROR: card [redacted] declined');
  assert.ok(!jobErrorText(new Error('x')).includes(' at '));
  assert.equal(jobErrorText(new Error('y'.repeat(5000))).length, 1000);
});
