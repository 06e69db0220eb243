import assert from 'node:assert/strict';
import { test } from 'node:test';
import { personalText } from './reads.ts';

test('an address kept as checkout keeps it (parts) is shown as one line in label order', () => {
  assert.equal(personalText({ line1: '4 Larkspur Row', line2: '', postal_code: 'TW9 2LP', city: 'Thistlewick', country: 'GB' }), '4 Larkspur Row, TW9 2LP Thistlewick, GB');
  assert.equal(personalText('4 Larkspur Row, Thistlewick'), '4 Larkspur Row, Thistlewick');
  assert.equal(personalText(undefined), null);
  assert.equal(personalText({ street: '221B Baker Street' }), '221B Baker Street');
});
