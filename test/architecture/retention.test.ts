// One retention engine (decision 0065): every store of data that expires is declared to the
// kernel's engine, which takes its period from the data map. These tests hold the shop to it:
// every declared store names a category and purpose of the map, and either a rule of the map
// names it or the store says why the map's default is right; and no module works out a cutoff
// from the map's periods on its own any more (its own sweep with its own arithmetic).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shopModules } from '../../src/modules.ts';
import { loadDataMap, retentionStoresOf, ruleOf } from '../../src/privacy/index.ts';
import { root, sources } from './sources.ts';

/** Files outside the kernel allowed to count days from a period of the map, and why. */
const ownArithmetic: Record<string, string> = {
  'src/comms/spool-retention.ts': 'spooled .eml files are files, not rows, and each has the period of its own message’s purpose; the period is still the map’s (decision 0054)',
};

test('every declared retention store has a period from the data map: a rule naming it, or a reason to use the default', async () => {
  const map = loadDataMap(`${root}datamap`);
  const stores = retentionStoresOf(shopModules());
  assert.ok(stores.length >= 5, 'the modules declare their stores');
  const names = new Set<string>();
  for (const store of stores) {
    assert.ok(!names.has(store.name), `${store.name} is declared once`);
    names.add(store.name);
    assert.ok(store.name.startsWith(`${store.module}.`), `${store.name} is named after its module ${store.module}`);
    assert.ok(map.categories.has(store.category), `${store.name}: category ${store.category} is in the data map`);
    assert.ok(map.purposes.has(store.purpose), `${store.name}: purpose ${store.purpose} is in the data map`);
    if (ruleOf(map, store) === 'default')
      assert.ok(store.defaultReason?.trim(), `${store.name}: no rule of datamap/retention.yml names (${store.category}, ${store.purpose}); add one, or say in defaultReason why the default fits`);
  }
});

test('no module keeps its own retention arithmetic: a period read from the map is counted only by the engine', () => {
  const offenders: string[] = [];
  for (const { path, text } of sources()) {
    if (!path.startsWith('src/') || path.startsWith('src/privacy/') || /\.test\.ts$|testing/.test(path)) continue;
    const readsPeriod = /\.retention\(|retentionDays\(/.test(text);
    const countsDays = /DAY_MS|86_?400_?000|\.days\s*\*/.test(text);
    if (readsPeriod && countsDays && !(path in ownArithmetic)) offenders.push(path);
  }
  assert.deepEqual(offenders, [], 'declare a RetentionStore on the module instead (src/privacy/retention/stores.ts)');
});
