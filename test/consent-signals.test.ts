// Opt-out preference signals and the policy for machines (P000-19, decision 0051): a signed-in
// customer's browser sending Global Privacy Control or Do-Not-Track withdraws the uses the signal
// covers, once, recorded in the consent ledger and shown in the privacy centre and the export; a
// visitor's signal leaves nothing behind; /.well-known/gpc.json and the fides document are served.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../src/platform/db/database.ts';
import { FormClient, signUpAndConfirm } from '../src/accounts/testing.ts';
import { createOrder, ordersDeps } from '../src/commerce/orders/index.ts';
import { pricedCart } from '../src/commerce/orders/test-support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { consentRows, testActor } from '../src/privacy/testing.ts';

/** The subject of the customer who signed up last. */
async function newestCustomer(db: Db): Promise<string> {
  const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db);
  return rows[0]!.subject_id;
}

const other = { name: 'Dorian Trackless', email: 'dorian.trackless@example.com', password: 'willow-signal-64-paper' };
const gpcRows = (purposes: string[], channel: string) => purposes.map((purpose) => ({ purpose, action: 'withdraw', channel }));

/** An order of these products for the subject (set-up only: the recommender reads orders, however they were made). */
async function orderFor(app: Awaited<ReturnType<typeof buildTestApp>>['app'], subject: string, products: { id: string; name: string }[]): Promise<void> {
  const actor = testActor('test.checkout');
  const base = pricedCart();
  const lines = products.map((p, i) => ({ ...base.lines[0]!, productId: p.id, sku: `SKU-${i}`, name: p.name, quantity: 1, unitMinor: 1000, totalMinor: 1000 }));
  const id = randomUUID();
  await app.privacy.write(app.db, { subject, actor, purpose: 'fulfillment', ref: `order:${id}`, values: { 'user.behavior.purchase_history': { carrier: 'Post', tracking: 'TRK1' } } });
  const priced = { ...base, lines, subtotalMinor: 1000 * lines.length, totalMinor: 1000 * lines.length + base.shippingMinor + base.taxMinor };
  await createOrder(ordersDeps(app), app.db, { id, customerSubject: subject, customerUserId: null, priced, paymentMethod: 'card', fulfilment: 'ship', actor });
}

const RECOMMENDED = /Recommended for you.*Signal lantern/s;
const NOT_RECOMMENDED = /Recommendations from your purchases are off/;

testEachDatabase(
  '[P000-19] Global Privacy Control and Do-Not-Track from a signed-in customer withdraw the uses they cover, once (the recommendations stop; privacy centre, export); gpc.json and the machine-readable policy are published',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      // The signal covers the data map's targeted-marketing and profiling uses (as consentRows sorts them).
      const covered = ['cpni-marketing', 'recommendations'];

      // A visitor's signal: nothing stored, no cookie set.
      const visitor = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html', 'sec-gpc': '1' } });
      assert.equal(visitor.statusCode, 200);
      assert.equal(visitor.headers['set-cookie'], undefined, 'no cookie for a visitor');

      const gpc = new FormClient(app);
      await signUpAndConfirm(gpc, database.db);
      const subject = await newestCustomer(database.db);
      assert.deepEqual(await consentRows(database.db, { subject }), [], 'no choice recorded before the signal');
      // Honoured means the use stops: before the signal the orders page recommends what another
      // buyer of the same kettle bought; after it, nothing is recommended.
      const kettle = { id: randomUUID(), name: 'Signal kettle' };
      await orderFor(app, await app.privacy.createSubject(database.db, { kind: 'customer', actor: testActor('test.checkout'), purpose: 'account' }), [
        kettle,
        { id: randomUUID(), name: 'Signal lantern' },
      ]);
      await orderFor(app, subject, [kettle]);
      assert.match((await gpc.get('/account/orders')).body, RECOMMENDED, 'recommendations are on before the signal');
      assert.equal((await gpc.get('/account', { 'sec-gpc': '1' })).statusCode, 200);
      assert.deepEqual(await consentRows(database.db, { subject }), gpcRows(covered, 'gpc'));
      for (let i = 0; i < 3; i++) await gpc.get('/account', { 'sec-gpc': '1' });
      assert.deepEqual(await consentRows(database.db, { subject }), gpcRows(covered, 'gpc'), 'repeated requests add nothing');
      const afterSignal = (await gpc.get('/account/orders')).body;
      assert.match(afterSignal, NOT_RECOMMENDED, 'the signal turned the use off');
      assert.doesNotMatch(afterSignal, /Signal lantern/);

      const centre = await gpc.get('/account/privacy', { 'sec-gpc': '1' });
      const today = new Date().toISOString().slice(0, 10);
      assert.match(centre.body, new RegExp(`Your browser’s Global Privacy Control signal was honoured on ${today}: we turned off Recommendations, CPNI-based offers`));
      assert.match(centre.body, /<strong>CPNI-based offers<\/strong>: off/);
      assert.match(centre.body, /href="\/privacy#purpose-cpni-marketing"/, 'each choice links the policy text it refers to');
      assert.match(centre.body, /Global Privacy Control \(your browser\)/);
      const exported = JSON.parse((await gpc.get('/account/privacy/export.json', { 'sec-gpc': '1' })).body) as {
        sections: { id: string; records: { purpose: string; channel: string; action: string }[] }[];
      };
      const consents = exported.sections.find((s) => s.id === 'consents')!.records;
      assert.deepEqual(
        consents.map((c) => [c.purpose, c.action, c.channel]),
        ['recommendations', 'cpni-marketing'].map((p) => [p, 'withdraw', 'gpc']),
      );

      // Turning a use back on is the person's own later choice: the signal does not undo it.
      await gpc.post('/account/privacy/choices', { purpose: 'recommendations', choice: 'grant' });
      await gpc.get('/account', { 'sec-gpc': '1' });
      assert.match((await gpc.get('/account/orders', { 'sec-gpc': '1' })).body, RECOMMENDED, 'their own grant turns it on again');
      assert.deepEqual(
        (await consentRows(database.db, { subject, purpose: 'recommendations' })).map((r) => r.channel),
        ['gpc', 'web'],
      );

      // Do-Not-Track likewise, under its own channel.
      const dnt = new FormClient(app);
      await signUpAndConfirm(dnt, database.db, other);
      await dnt.get('/account', { dnt: '1' });
      await dnt.get('/account/orders', { dnt: '1' });
      const rows = (await consentRows(database.db)).filter((r) => r.channel === 'dnt');
      assert.deepEqual(rows, gpcRows(covered, 'dnt'));
      assert.match((await dnt.get('/account/privacy')).body, /Your browser’s Do Not Track signal was honoured on/);

      // The GPC support resource, per the GPC specification.
      const resource = await app.inject({ method: 'GET', url: '/.well-known/gpc.json' });
      assert.equal(resource.statusCode, 200);
      assert.match(String(resource.headers['content-type']), /^application\/json/);
      assert.deepEqual(resource.json(), {
        gpc: true,
        lastUpdate: app.privacy.map.policyVersions
          .filter((v) => v.effective <= new Date())
          .at(-1)!
          .effective.toISOString()
          .slice(0, 10),
      });

      // The policy links the machine-readable policy and names what the signal turns off.
      const policy = await app.inject({ method: 'GET', url: '/privacy' });
      assert.match(policy.body, /href="\/privacy\/datamap\.fides\.yml"/);
      assert.match(policy.body, /href="\/\.well-known\/gpc\.json"/);
      assert.match(policy.body, /We honour <strong>Global Privacy Control<\/strong> and <strong>Do Not Track<\/strong>.*recommendations, cpni-based offers/s);
      const fides = await app.inject({ method: 'GET', url: '/privacy/datamap.fides.yml' });
      assert.equal(fides.statusCode, 200);
      assert.match(String(fides.headers['content-type']), /^application\/yaml/);
      assert.match(fides.body, /data_use: marketing\.advertising\.first_party\.targeted/);
      // The same document as JSON at a stable URL, linked from the policy and described in the OpenAPI document.
      assert.match(policy.body, /href="\/privacy\/datamap\.json"/);
      const json = await app.inject({ method: 'GET', url: '/privacy/datamap.json' });
      assert.equal(json.statusCode, 200);
      assert.match(String(json.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(json.body), parseYaml(fides.body), 'the JSON carries the YAML’s declarations, key for key');
      assert.match(json.body, /"data_use":"marketing\.advertising\.first_party\.targeted"/);
      const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { get?: { tags?: string[] } }> };
      assert.deepEqual(openapi.paths['/privacy/datamap.json']?.get?.tags, ['privacy']);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
