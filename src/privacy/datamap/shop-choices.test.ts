import assert from 'node:assert/strict';
import test from 'node:test';
import { PrivacySetupError } from '../refusals.ts';
import { loadDataMap } from './load.ts';
import { withConsentRequired } from './shop-choices.ts';

const map = loadDataMap(new URL('../../../datamap/', import.meta.url).pathname);

test('OFFERS_CONSENT=opt-in: the offers purpose becomes a consent purpose without an opt-out; the rest of the map is the same', () => {
  const before = map.purposes.get('offers')!;
  assert.equal(before.legalBasis, 'legitimate_interest');
  assert.equal(before.optOut, true);
  const shop = withConsentRequired(map, ['offers']);
  const after = shop.purposes.get('offers')!;
  assert.equal(after.legalBasis, 'consent');
  assert.equal(after.optOut, false);
  assert.deepEqual(after.priorData, { choice: 'consent' });
  assert.deepEqual({ ...after, legalBasis: before.legalBasis, optOut: before.optOut }, before, 'nothing else changes');
  assert.equal(map.purposes.get('offers')!.legalBasis, 'legitimate_interest', 'the loaded map is not changed');
  for (const [id, p] of map.purposes) if (id !== 'offers') assert.equal(shop.purposes.get(id), p);
  assert.equal(withConsentRequired(map, []), map);
});

test('only a declared legitimate-interest purpose with an opt-out can be switched to consent', () => {
  assert.throws(() => withConsentRequired(map, ['no-such-purpose']), PrivacySetupError);
  assert.throws(() => withConsentRequired(map, ['newsletters']), PrivacySetupError, 'already consent');
  assert.throws(() => withConsentRequired(map, ['security']), PrivacySetupError, 'legitimate interest without an opt-out');
});
