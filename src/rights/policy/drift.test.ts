// The policy cannot drift from the data map: everything the map declares is on the page, and a
// changed map changes the page with no code change.
import assert from 'node:assert/strict';
import type { DataMap } from '../../privacy/index.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { categoryLabel } from './plain-words.ts';
import { dataMapWith, elementById, getPage, pageText } from './testing.ts';

/** The tags listed in a recipient's or purpose's first tag list. */
function tagsIn(markup: string): string[] {
  const list = /<ul class="policy-tags">([\s\S]*?)<\/ul>/.exec(markup)![1]!;
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => pageText(m[1]!).trim());
}

const labels = (map: DataMap, keys: Iterable<string>) => [...keys].map((k) => categoryLabel(map.categories.get(k)!));

function assertShowsWholeMap(body: string, map: DataMap): void {
  const text = pageText(body);
  for (const c of map.categories.values()) assert.ok(text.includes(c.description), `category ${c.key}`);
  for (const p of map.purposes.values()) {
    const entry = elementById(body, `purpose-${p.id}`);
    assert.ok(pageText(entry).includes(p.name) && pageText(entry).includes(p.description), `purpose ${p.id}`);
    assert.deepEqual(tagsIn(entry), labels(map, p.categories), `purpose ${p.id} lists its categories`);
  }
  for (const r of map.recipients.values()) {
    const entry = elementById(body, `recipient-${r.id}`);
    assert.ok(pageText(entry).includes(r.name), `recipient ${r.id}`);
    assert.deepEqual(tagsIn(entry), labels(map, r.receives), `recipient ${r.id} lists exactly what it may receive`);
    for (const p of r.purposes) assert.ok(pageText(entry).includes(map.purposes.get(p)!.name), `recipient ${r.id} serves ${p}`);
  }
  const retention = pageText(elementById(body, 'retention', 'section'));
  assert.ok(retention.includes(map.retention.defaultReason), 'the default retention');
  for (const r of map.retention.rules) assert.ok(retention.includes(r.reason), `retention of ${r.category} for ${r.purpose}`);
}

testEachDatabase('the privacy policy lists every purpose, category, recipient and retention rule of the data map', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const res = await getPage(app, '/privacy');
    assert.equal(res.statusCode, 200);
    assertShowsWholeMap(res.body, app.privacy.map);
    // Card numbers are declared unstorable, and the page says so.
    const notice = pageText(/<div class="notice">([\s\S]*?)<\/div>/.exec(res.body)![1]!);
    assert.match(notice, /Never stored by this shop, not even encrypted: Card number\./);
    assert.match(pageText(res.body), /We never sell personal data, and never give it out for anyone’s mailing lists or marketing/);
  } finally {
    await app.close();
  }
});

testEachDatabase('a purpose, recipient, retention rule and policy version added to the data map show on the policy with no code change', async (database) => {
  const datamapDir = dataMapWith({
    'policy.yml': `
  - version: "2025.2"
    effective: 2025-06-01
    summary: Adds gift messages printed on the packing slip.
    material: false`,
    'purposes.yml': `
  - id: gift-notes
    name: Gift messages
    description: Printing your message to the person receiving a gift on its packing slip.
    data_use: essential.service
    legal_basis: consent
    since: "2025.2"
    data_subjects: [customer]
    categories: [user.name, user.content.private]`,
    'recipients.yml': `
  - id: gift-wrapper
    name: Gift-wrapping workshop
    kind: processor
    receives: [user.name, user.content.private]
    bases: [fulfillment]
    purposes: [gift-notes]`,
    'retention.yml': `
    - { category: user.content.private, purpose: gift-notes, days: 60, reason: Gift messages are deleted two months after delivery. }`,
  });
  const { app } = await buildTestApp(database, { DATAMAP_DIR: datamapDir });
  try {
    const map = app.privacy.map;
    assert.ok(map.purposes.has('gift-notes') && map.recipients.has('gift-wrapper'), 'the app runs on the changed map');
    const policy = (await getPage(app, '/privacy')).body;
    assertShowsWholeMap(policy, map);
    assert.match(pageText(/<header>([\s\S]*?)<\/header>/.exec(policy)![1]!), /Version 2025\.2, in force from 1 June 2025/);
    const purpose = pageText(elementById(policy, 'purpose-gift-notes'));
    assert.match(purpose, /Added In policy version 2025\.2, in force since 1 June 2025/);
    assert.match(purpose, /It happens only if you agree/);
    const recipient = pageText(elementById(policy, 'recipient-gift-wrapper'));
    assert.match(recipient, /For Gift messages$/);
    assert.match(pageText(elementById(policy, 'changes', 'section')), /Version 2025\.2, in force from 1 June 2025: Adds gift messages/);

    // The version before it stands as it was: no gift messages, superseded by 2025.2.
    const before = (await getPage(app, '/privacy/versions/2025.1')).body;
    assert.match(pageText(before), /superseded on 1 June 2025 by version 2025\.2\./);
    assert.doesNotMatch(before, /Gift messages|Gift-wrapping workshop/);
  } finally {
    await app.close();
  }
});
