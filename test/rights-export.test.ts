// The privacy centre and the export, after a real purchase (P001-10, P003-25, P004-01): the signed-in
// customer sees every item held about them with why and since when, their choices and who received
// their data; the export holds every category the kernel holds for them, in the documented format,
// and nothing of anyone else.
import assert from 'node:assert/strict';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { ada, bob, customerWithHistory, rightsBed, valuesOf } from './rights-support.ts';
import { consentRows, itemCountsByCategory } from '../src/privacy/testing.ts';
import { assertFollowsExportSchema, exportSchema } from './export-schema-support.ts';

testEachDatabase(
  '[P001-10][P003-25] after a purchase the customer downloads everything held about them: every category the kernel holds, in the documented format, nothing of anyone else',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const mine = await customerWithHistory(bed, ada);
    await customerWithHistory(bed, bob);

    const res = await mine.client.get('/account/privacy/export.json');
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="custodian-demo-shop-your-data-\d{4}-\d{2}-\d{2}\.json"$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const doc = JSON.parse(res.body) as { format: string; sections: { id: string; module: string; records: Record<string, unknown>[] }[] };
    assertFollowsExportSchema(doc);

    // Every category the kernel holds for the person is in the export, with every item.
    const held = await itemCountsByCategory(database.db, mine.subject);
    const items = doc.sections.find((s) => s.id === 'personal-data')!.records;
    for (const { category, n } of held) {
      if (category === 'user.authorization.credentials') continue; // the password hash is never shown
      assert.equal(items.filter((i) => i.category === category).length, n, `every ${category} item is exported`);
    }
    assert.ok(held.length >= 6, `the purchase stored names, emails, addresses, phones, payment, purchase history (${held.map((h) => h.category).join(', ')})`);
    const text = JSON.stringify(doc);
    for (const value of [ada.name, ada.email, ada.street, ada.phone, mine.paid.number, mine.waiting.number, 'UPS']) assert.ok(text.includes(value), `the export holds ${value}`);
    for (const id of ['account', 'orders', 'payments', 'saved-lists', 'mail', 'consents', 'disclosures', 'access-log', 'requests', 'sessions', 'security-events']) {
      assert.ok(
        doc.sections.some((s) => s.id === id),
        `the export has the ${id} section`,
      );
    }
    assert.ok(doc.sections.find((s) => s.id === 'orders')!.records.length === 2);
    assert.ok(doc.sections.find((s) => s.id === 'disclosures')!.records.some((d) => d.recipient === 'Shipping carriers (DHL, FedEx, UPS, USPS)'));
    assert.ok(doc.sections.find((s) => s.id === 'mail')!.records.length > 0);
    for (const value of valuesOf(bob)) assert.ok(!text.includes(value), `nothing of another customer (${value}) is in the export`);

    // The format is published, for people and for programs, from the same schema.
    const format = await bed.app.inject({ method: 'GET', url: '/privacy/export-format' });
    assert.equal(format.statusCode, 200);
    for (const s of doc.sections) assert.ok(format.body.includes(`<h2>${s.id}</h2>`), `the format page explains ${s.id}`);
    assert.deepEqual((await bed.app.inject({ method: 'GET', url: '/privacy/export-schema.json' })).json(), exportSchema);

    // The download is on record as an access request, answered at once.
    const again = JSON.parse((await mine.client.get('/account/privacy/export.json')).body) as typeof doc;
    assert.deepEqual(
      again.sections.find((s) => s.id === 'requests')!.records.map((r) => [r.what, r.status]),
      [['Access and copy of the data', 'completed']],
    );
    // The same through the JSON API, which the OpenAPI document describes.
    const api = await mine.client.json('GET', '/api/account/export');
    assert.equal(api.statusCode, 200);
    assertFollowsExportSchema(api.json());
    assert.ok(JSON.stringify((await bed.app.inject({ method: 'GET', url: '/openapi.json' })).json()).includes('/api/account/export'));
  },
);

testEachDatabase(
  '[P004-01] the privacy centre shows the signed-in customer their data by category with purpose and dates, their choices, who received their data, and the ways to copy, deactivate or delete',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const mine = await customerWithHistory(bed, ada);
    await customerWithHistory(bed, bob);

    const page = await mine.client.get('/account/privacy');
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    for (const text of [
      ada.name,
      ada.email,
      ada.street,
      ada.phone,
      `Order ${mine.paid.number}`,
      'Order fulfilment',
      'policy 2025.1',
      'Shipping carriers',
      'Card and bank payment processor',
      'Offers and site news',
      'Newsletters and product updates',
      '/account/privacy/export.json',
      '/account/privacy/delete',
      '/account/privacy/deactivate',
    ]) {
      assert.ok(page.body.includes(text.replace(/'/g, '&#39;')), `the privacy centre shows ${text}`);
    }
    for (const value of valuesOf(bob)) assert.ok(!page.body.includes(value), `nothing of another customer (${value})`);

    // A choice changes at once and lands in the consent ledger with channel and time (P003-09).
    const off = await mine.client.post('/account/privacy/choices', { purpose: 'offers', choice: 'withdraw' });
    assert.equal(off.statusCode, 200, off.body.slice(0, 300));
    assert.match(off.body, /Offers and site news is now off/);
    assert.deepEqual(await consentRows(database.db, { subject: mine.subject, purpose: 'offers' }), [{ purpose: 'offers', action: 'withdraw', channel: 'web' }]);
    assert.equal((await mine.client.post('/account/privacy/choices', { purpose: 'card-numbers', choice: 'grant' })).statusCode, 400);

    // The addresses people try first lead there.
    for (const [path, target] of [
      ['/account/export', '/account/privacy#copy'],
      ['/account/delete', '/account/privacy/delete'],
      ['/account/profile', '/account/privacy#data'],
      ['/account/consent', '/account/privacy#choices'],
    ]) {
      const res = await bed.app.inject({ method: 'GET', url: path! });
      assert.equal(res.statusCode, 301, path);
      assert.equal(res.headers.location, target);
    }

    // Nobody else's session opens it; without one, it asks to sign in.
    const stranger = await bed.app.inject({ method: 'GET', url: '/account/privacy' });
    assert.equal(stranger.statusCode, 303);
    assert.equal(stranger.headers.location, '/account/login');
    // The access log shows the reads of their data, staff by role only.
    const log = await mine.client.get('/account/privacy/access-log');
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /the shop \(checkout\)/);

    // Looking at the copy of their data reads and audits each part of it (items, consents, who
    // received them, this log); in the log their looks within a minute are one row, newest first,
    // with what they did and how many times.
    const rowsOf = (body: string) => body.split('<tr>').slice(2);
    const before = rowsOf(log.body).length;
    for (let i = 0; i < 2; i++) assert.equal((await mine.client.get('/account/privacy/export')).statusCode, 200);
    await bed.app.privacy.flush();
    const after = await mine.client.get('/account/privacy/access-log');
    const rows = rowsOf(after.body);
    assert.ok(rows.length - before <= 1, `two looks at the copy added ${rows.length - before} rows`);
    assert.match(rows[0]!, /data-label="Who">you</);
    assert.match(rows[0]!, /data-label="Did">[^<]*read your consents \(\d+ times\)/);
    assert.ok(Number(/(?:>|; )read \((\d+) times\)/.exec(rows[0]!)?.[1]) >= 2, 'both reads of the copy, counted in one row');
    // Only the others: the shop's reads stay, none of their own.
    const others = await mine.client.get('/account/privacy/access-log?who=others');
    assert.equal(others.statusCode, 200);
    assert.match(others.body, /the shop \(checkout\)/);
    assert.doesNotMatch(others.body, /data-label="Who">you</);
    assert.match(others.body, /<option value="others" selected>/);
    const bad = await mine.client.get('/account/privacy/access-log?page=0');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /page/);
  },
);
