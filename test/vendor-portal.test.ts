// The vendor portal over HTTP on a real database, from a real purchase (cart → checkout → the
// sandbox processor's card page → paid order): vendor users accept the data-use terms before any
// buyer data, see only orders of their own products with exactly the vendor projection's fields
// (never card data), each view and export is a disclosure-ledger entry naming the order and the
// vendor, and a suspension cuts a signed-in vendor off at once.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createProduct } from '../src/commerce/catalogue/index.ts';
import { FormClient, staffClient } from '../src/accounts/testing.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { accept, ada, alan, buy, grace, ownerOf, PASSWORD, VENDOR_FIELDS, vendorDisclosures, vendorShop, vendorUser } from './vendor-support.ts';

testEachDatabase(
  "[P000-08][P001-01][P001-03][P000-09][P002-12] a vendor user accepts the data-use terms first, then sees only orders of its own products with the buyer's name, address, phone and email (never card data, never another vendor's order) and each view and CSV export is a ledger entry naming the order and the vendor",
  async (database, t) => {
    const { bed, db, s } = await vendorShop(database, t);
    const both = await buy(bed, db, grace, [
      ['router', s.router],
      ['shield', s.shield],
    ]);
    const lanternOnly = await buy(bed, db, ada, [['shield', s.shield]]);
    const unpaid = await buy(bed, db, alan, [['router', s.router]], false);
    const status = async (id: string) => (await sql<{ status: string }>`select status from orders where id = ${id}`.execute(db)).rows[0]!.status;
    assert.equal(await status(both.id), 'paid');
    assert.equal(await status(unpaid.id), 'pending_payment');

    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    const lea = await vendorUser(bed, owner, s.lantern, 'lea@lanternfish.example');

    // Before the terms are accepted, no page of the portal shows anything, and nothing is disclosed.
    for (const path of ['/vendor', '/vendor/orders', `/vendor/orders/${both.number}`, '/vendor/orders.csv', '/vendor/stock', '/vendor/sales']) {
      const res = await vic.get(path);
      assert.equal(res.statusCode, 303, path);
      assert.equal(res.headers.location, '/vendor/terms', path);
    }
    assert.deepEqual(await vendorDisclosures(bed, both), [], 'nothing was disclosed before the terms were accepted');
    const terms = await vic.get('/vendor/terms');
    assert.match(terms.body, /only to fill the order/);
    assert.match(terms.body, /support/);
    const unticked = await vic.post('/vendor/terms', { version: '1' });
    assert.equal(unticked.statusCode, 400, 'the box must be ticked');
    assert.match(unticked.body, /tick the box/);
    await accept(vic);
    const accepted = await sql<{ version: number; vendor_id: string; user_id: string; accepted_at: Date }>`select version, vendor_id, user_id, accepted_at from vendors_terms_acceptances`.execute(db);
    assert.equal(accepted.rows.length, 1);
    assert.equal(accepted.rows[0]!.version, 1);
    assert.equal(accepted.rows[0]!.vendor_id, s.corvid.id);
    assert.ok(accepted.rows[0]!.user_id && accepted.rows[0]!.accepted_at, 'the acceptance names the user and the time');
    assert.equal((await vic.post('/vendor/terms', { version: '1', agree: 'yes' })).statusCode, 303, 'accepting twice (a second tab) is fine');
    assert.equal((await sql`select 1 from vendors_terms_acceptances`.execute(db)).rows.length, 1, 'and keeps the first acceptance');

    // The list: only paid orders holding Corvid's products; no personal data in it.
    const list = await vic.get('/vendor/orders');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(both.number), 'the paid order of its product is listed');
    assert.ok(!list.body.includes(lanternOnly.number), "another vendor's order is not listed");
    assert.ok(!list.body.includes(unpaid.number), 'an unpaid order is not listed');
    assert.ok(!list.body.includes(grace.name), 'the list shows no buyer details');
    assert.deepEqual(await vendorDisclosures(bed, both), [], 'listing discloses nothing');
    assert.ok((await vic.get(`/vendor/orders?number=${encodeURIComponent(both.number)}`)).body.includes(`/vendor/orders/${both.number}`), 'search by number finds it');
    assert.match((await vic.get(`/vendor/orders?number=${encodeURIComponent(lanternOnly.number)}`)).body, /No order of your products has this number/);
    assert.equal((await vic.get('/vendor/orders?page=0')).statusCode, 400, 'a bad page is refused naming it');

    // The order page: Corvid's lines only, the buyer's four fields, no card data; one ledger entry.
    const page = await vic.get(`/vendor/orders/${both.number}`);
    assert.equal(page.statusCode, 200, page.body.slice(0, 2000));
    for (const shown of [grace.name, grace.email, grace.phone, '1 Compiler Way', 'New York', 'CRV-RTR']) assert.ok(page.body.includes(shown), `the order page shows ${shown}`);
    assert.ok(!page.body.includes('LNT-SHD') && !page.body.includes('Lanternfish Shield'), "another vendor's line in the same order is not shown");
    for (const card of ['4242', 'Visa', 'visa', TEST_CARD.expiry, '555 0199']) assert.ok(!page.body.includes(card), `the order page shows no ${card}`);
    const afterView = await vendorDisclosures(bed, both);
    assert.equal(afterView.length, 1, 'the view is one disclosure');
    assert.equal(afterView[0]!.order, both.id);
    assert.equal(afterView[0]!.recipientRef, s.corvid.id);
    assert.deepEqual([...afterView[0]!.categories].sort(), [...VENDOR_FIELDS].sort(), 'exactly the vendor projection');
    assert.equal(afterView[0]!.basis, 'fulfillment');

    // Another vendor's order and an unpaid order answer as no order at all, and disclose nothing.
    const missing = await vic.get('/vendor/orders/C-999999');
    assert.equal(missing.statusCode, 404);
    for (const other of [lanternOnly, unpaid]) {
      const res = await vic.get(`/vendor/orders/${other.number}`);
      assert.equal(res.statusCode, 404);
      assert.equal(res.body.replaceAll(other.number, 'C-999999'), missing.body, 'the 404 reveals nothing of the order');
      assert.deepEqual(await vendorDisclosures(bed, other), []);
    }

    // The CSV: Corvid's lines of its orders with the buyer's fields; one more ledger entry per order.
    const csv = await vic.get('/vendor/orders.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /^attachment; filename="orders-corvid-/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 2, 'a header and the one line of Corvid in its one order');
    assert.ok(lines[1]!.includes(both.number) && lines[1]!.includes('CRV-RTR') && lines[1]!.includes(grace.email) && lines[1]!.includes(grace.name));
    assert.ok(lines[1]!.includes(`"'${grace.phone}"`), 'a cell starting with + is kept as text (CSV injection)');
    assert.ok(!csv.body.includes('LNT-SHD') && !csv.body.includes(ada.email) && !csv.body.includes('4242'), 'no other vendor, no other buyer, no card');
    assert.equal((await vendorDisclosures(bed, both)).length, 2, 'the export is one more disclosure of the order');

    // Lanternfish sees its own line of the shared order and its own order, after its own acceptance.
    assert.equal((await lea.get('/vendor/orders')).headers.location, '/vendor/terms', "one user's acceptance is not another's");
    await accept(lea);
    const leaList = await lea.get('/vendor/orders');
    assert.ok(leaList.body.includes(both.number) && leaList.body.includes(lanternOnly.number) && !leaList.body.includes(unpaid.number));
    const leaPage = await lea.get(`/vendor/orders/${both.number}`);
    assert.ok(leaPage.body.includes('LNT-SHD') && !leaPage.body.includes('CRV-RTR'));
    const leaShares = (await vendorDisclosures(bed, both)).filter((d) => d.recipientRef === s.lantern.id);
    assert.equal(leaShares.length, 1, "Lanternfish's view is ledgered under Lanternfish");

    // A new version of the terms must be accepted again before any buyer data.
    await owner.get('/staff/vendors/terms');
    const published = await owner.post('/staff/vendors/terms', { text: 'Version two: buyer data only to fill the order and support the buyer. Nothing else.' });
    assert.equal(published.statusCode, 303, published.body.slice(0, 2000));
    const before = (await vendorDisclosures(bed, both)).length;
    assert.equal((await vic.get(`/vendor/orders/${both.number}`)).headers.location, '/vendor/terms', 'version 2 must be accepted');
    assert.match((await vic.get('/vendor/terms')).body, /Version two/);
    assert.equal((await vendorDisclosures(bed, both)).length, before);
    await accept(vic);
    assert.equal((await vic.get(`/vendor/orders/${both.number}`)).statusCode, 200);
    assert.deepEqual((await sql<{ version: number }>`select version from vendors_terms_acceptances where vendor_id = ${s.corvid.id} order by version`.execute(db)).rows, [
      { version: 1 },
      { version: 2 },
    ]);
  },
  { timeout: 300_000 },
);

testEachDatabase(
  '[P000-09] suspending a vendor cuts its signed-in users off at once: order pages and exports refuse them, a new sign-in too, until the owner reinstates it',
  async (database, t) => {
    const { bed, db, s } = await vendorShop(database, t);
    const order = await buy(bed, db, grace, [['router', s.router]]);
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    const other = await vendorUser(bed, owner, s.lantern, 'lea@lanternfish.example');
    await accept(vic);
    await accept(other);
    assert.equal((await vic.get(`/vendor/orders/${order.number}`)).statusCode, 200, 'signed in and working');

    // The owner suspends Corvid mid-session: a confirmation first, then the suspension.
    await owner.get('/staff/vendors');
    const asked = await owner.post(`/staff/vendors/${s.corvid.id}/suspend`, {});
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /signed out now/);
    assert.equal((await vic.get(`/vendor/orders/${order.number}`)).statusCode, 200, 'nothing happens before the confirmation');
    const shared = (await vendorDisclosures(bed, order)).length;
    const done = await owner.post(`/staff/vendors/${s.corvid.id}/suspend`, { confirm: '1' });
    assert.equal(done.statusCode, 303, done.body.slice(0, 2000));
    assert.match((await owner.get('/staff/vendors')).body, /Suspended/);

    for (const path of [`/vendor/orders/${order.number}`, '/vendor/orders.csv', '/vendor/orders']) {
      const res = await vic.get(path);
      assert.notEqual(res.statusCode, 200, `${path} is refused at once`);
      assert.ok(!res.body.includes(grace.name) && !res.body.includes(grace.email));
    }
    // Signing in again does not get past the gate, which checks the suspension on every request.
    const again = new FormClient(bed.app);
    for (const path of [`/vendor/orders/${order.number}`, '/vendor/orders.csv', '/vendor/stock']) {
      await again.get('/vendor/login');
      assert.equal((await again.post('/vendor/login', { email: 'vic@corvid.example', password: PASSWORD })).statusCode, 303);
      const res = await again.get(path);
      assert.equal(res.statusCode, 403, path);
      assert.match(res.body, /suspended/);
      assert.equal((await again.get('/vendor')).headers.location, '/vendor/login', 'and that session is ended');
    }
    assert.equal((await vendorDisclosures(bed, order)).length, shared, 'nothing was disclosed to the suspended vendor');
    assert.equal((await other.get('/vendor/orders')).statusCode, 200, 'another vendor is not affected');

    // The privacy officer reads who is suspended and who accepted the terms, and changes nothing.
    const dpo = await staffClient(bed.app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'orchard-beacon-71-velvet-shore' });
    const dpoView = await dpo.get('/staff/vendors');
    assert.equal(dpoView.statusCode, 200);
    assert.match(dpoView.body, /Suspended/);
    assert.match(dpoView.body, /1 user, latest/, "Lanternfish's one user accepted version 1");
    assert.ok(!dpoView.body.includes('/reinstate'), 'no buttons for the privacy officer');
    assert.equal((await dpo.post(`/staff/vendors/${s.corvid.id}/reinstate`, {})).statusCode, 403, 'only an owner reinstates');
    assert.equal((await dpo.get('/staff/vendors/terms')).statusCode, 200);
    assert.equal((await dpo.post('/staff/vendors/terms', { text: 'A DPO cannot publish this.' })).statusCode, 403);

    // Reinstated, the vendor's users sign in and work again.
    await owner.get('/staff/vendors');
    assert.equal((await owner.post(`/staff/vendors/${s.corvid.id}/reinstate`, {})).statusCode, 303);
    await again.get('/vendor/login');
    assert.equal((await again.post('/vendor/login', { email: 'vic@corvid.example', password: PASSWORD })).statusCode, 303);
    assert.equal((await again.get(`/vendor/orders/${order.number}`)).statusCode, 200);
    assert.equal((await vendorDisclosures(bed, order)).length, shared + 1);
  },
  { timeout: 300_000 },
);

testEachDatabase(
  "a vendor user sets its own products' stock (never another vendor's) and sees its sales per product from paid orders",
  async (database, t) => {
    const { bed, db, s } = await vendorShop(database, t);
    await buy(bed, db, grace, [['router', s.router]]);
    await buy(bed, db, ada, [['router', s.router]]);
    await buy(bed, db, alan, [['router', s.router]], false);
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    await accept(vic);
    const stockOf = async (id: string) => (await sql<{ stock: number | null }>`select stock from catalogue_variants where id = ${id}`.execute(db)).rows[0]!.stock;

    const page = await vic.get('/vendor/stock');
    assert.ok(page.body.includes('CRV-RTR') && !page.body.includes('LNT-SHD'), 'only its own products');
    assert.equal((await vic.post('/vendor/stock', { [`stock.${s.router}`]: '40' })).statusCode, 303);
    assert.equal(await stockOf(s.router), 40);
    const change = await sql<{ via: string; vendor_id: string }>`select via, vendor_id from catalogue_changes where entity_id = ${s.router} order by id desc limit 1`.execute(db);
    assert.deepEqual(change.rows[0], { via: 'vendor', vendor_id: s.corvid.id }, 'the change is recorded as the vendor’s');
    const shieldBefore = await stockOf(s.shield);
    const refused = await vic.post('/vendor/stock', { [`stock.${s.shield}`]: '999' });
    assert.equal(refused.statusCode, 400, "another vendor's variant is one it cannot name");
    assert.equal(await stockOf(s.shield), shieldBefore);
    const bad = await vic.post('/vendor/stock', { [`stock.${s.router}`]: 'lots' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /CRV-RTR/);

    const sales = await vic.get('/vendor/sales');
    assert.equal(sales.statusCode, 200);
    const row =
      /<tr><th scope="row" data-label="Product">Corvid Router<\/th><td data-label="Orders" class="num">(\d+)<\/td><td data-label="Units" class="num">(\d+)<\/td><td data-label="Revenue" class="num">([^<]*(?:<[^/][^>]*>[^<]*<\/[^>]+>)?[^<]*)<\/td>/.exec(
        sales.body,
      );
    assert.ok(row, sales.body.slice(0, 3000));
    assert.equal(row[1], '2', 'two paid orders; the unpaid one is not a sale');
    assert.equal(row[2], '2');
    assert.match(row[3]!, /258\.00/);
  },
  { timeout: 300_000 },
);

testEachDatabase(
  'a vendor user uploads licence keys for its own licence products only; the page counts them and never shows a key back',
  async (database, t) => {
    const { bed, db, s } = await vendorShop(database, t);
    const usd = { currency: 'USD' };
    const own = await createProduct(db, { vendor_id: s.corvid.id, slug: 'corvid-vpn', name: 'Corvid VPN licence', kind: 'digital', variants: [{ sku: 'CRV-VPN', price_minor: 3_900 }] }, usd);
    const theirs = await createProduct(db, { vendor_id: s.lantern.id, slug: 'lantern-av', name: 'Lanternfish AV licence', kind: 'digital', variants: [{ sku: 'LNT-AV', price_minor: 2_900 }] }, usd);
    const ownVariant = own.variants[0]!.id;
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    assert.equal((await vic.get('/vendor/licence-keys')).statusCode, 303, 'the data-use terms come first');
    await accept(vic);
    const keysOf = async (variant: string) => Number((await sql<{ n: string }>`select count(*) as n from delivery_keys where variant_id = ${variant}`.execute(db)).rows[0]!.n);

    const page = await vic.get('/vendor/licence-keys');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('CRV-VPN') && !page.body.includes('LNT-AV') && !page.body.includes('CRV-RTR'), "only its own licence products, not its goods or another vendor's");

    const uploaded = await vic.post('/vendor/licence-keys', { variant: ownVariant, keys: 'CORVID-AAAA-1111\n\nCORVID-BBBB-2222\nCORVID-AAAA-1111\n' });
    assert.equal(uploaded.statusCode, 303);
    assert.equal(uploaded.headers.location, '/vendor/licence-keys?added=2&duplicates=1');
    assert.equal(await keysOf(ownVariant), 2);
    const after = await vic.get(uploaded.headers.location as string);
    assert.match(after.body, /2 keys added; 1 already held \(or repeated\) and not added/);
    assert.ok(!after.body.includes('CORVID-AAAA-1111') && !after.body.includes('CORVID-BBBB-2222'), 'no key is shown back');

    const refused = await vic.post('/vendor/licence-keys', { variant: theirs.variants[0]!.id, keys: 'LANTERN-KEY-0001' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /is not one of your licence products/);
    assert.equal(await keysOf(theirs.variants[0]!.id), 0, "nothing is added to another vendor's product");
  },
  { timeout: 300_000 },
);

testEachDatabase(
  'a suspension committed while an order page is being opened is seen by it: the page waits for the suspension and discloses nothing (PostgreSQL; PGlite runs one connection)',
  async (database, t) => {
    if (database.engine === 'pglite') return t.skip('PGlite serves one connection: a transaction held open would block the page itself');
    const { bed, db, s } = await vendorShop(database, t);
    const order = await buy(bed, db, grace, [['router', s.router]]);
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    await accept(vic);
    const shared = (await vendorDisclosures(bed, order)).length;

    // A suspension as the console makes it, held open: the vendor's lock, then the row.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const suspending = db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`vendors:${s.corvid.id}`}, 0))`.execute(trx);
      await sql`insert into vendors_suspensions (vendor_id, suspended_at, suspended_by) values (${s.corvid.id}, now(), 'test')`.execute(trx);
      locked();
      await held;
    });
    await lockTaken;
    const view = vic.get(`/vendor/orders/${order.number}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    await suspending;
    const res = await view;
    assert.equal(res.statusCode, 403, 'the page saw the suspension it waited for');
    assert.equal((await vendorDisclosures(bed, order)).length, shared, 'nothing was disclosed');
  },
  { timeout: 300_000 },
);
