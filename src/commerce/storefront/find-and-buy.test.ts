// Finding a product (partial words, typos, sort and filter) and buying the option chosen in the
// buy box, over HTTP on the demo shop. One app per engine: every part reads the same seeded shop.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { seedDemoShop } from '../../demo/index.ts';
import { newClient } from '../cart/testing.ts';

const accept = { accept: 'text/html,application/xhtml+xml' };
const slugs = (body: string) => [...body.matchAll(/<a href="\/products\/([a-z0-9-]+)">/g)].map((m) => m[1]!);
const prices = (body: string) => [...body.matchAll(/<li class="card">[\s\S]*?<span class="price">\$([0-9,.]+)<\/span>/g)].map((m) => Number(m[1]!.replace(/,/g, '')));

async function found(app: FastifyInstance, url: string): Promise<string[]> {
  const res = await app.inject({ url, headers: accept });
  assert.equal(res.statusCode, 200, url);
  return slugs(res.body);
}

testEachDatabase('storefront: partial words and typos find products; sort and filter narrow a listing; the buy box adds the chosen option', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);

    // Partial words and typos (issue 13): "lapto" and "labtop" find the laptops, "monitr" the monitor.
    for (const q of ['lapto', 'labtop']) {
      const hits = await found(app, `/search?q=${q}`);
      assert.ok(hits.includes('corvid-aero-14') && hits.includes('corvid-student-13'), `${q}: ${hits}`);
      assert.ok(!hits.includes('lanternfish-endpoint-shield'), `${q} finds no security software`);
    }
    const monitor = await found(app, '/search?q=monitr');
    assert.ok(monitor.includes('corvid-27-4k-monitor') && monitor.includes('brightwater-remote-monitoring'), String(monitor));
    assert.ok(!monitor.includes('corvid-aero-14'));
    // Ranked: the product whose name holds the word outright comes before one that only mentions it.
    const keyboard = await found(app, '/search?q=keyboard');
    assert.equal(keyboard[0], 'corvid-keyboard-mouse');
    assert.deepEqual(await found(app, '/search?q=xyzzy'), []);

    // Sort: price low to high and high to low, within a category and its children.
    const cheapFirst = await app.inject({ url: '/categories/hardware?sort=price-asc', headers: accept });
    const asc = prices(cheapFirst.body);
    assert.ok(asc.length >= 5);
    assert.deepEqual(
      asc,
      [...asc].sort((a, b) => a - b),
    );
    const dearFirst = prices((await app.inject({ url: '/categories/hardware?sort=price-desc', headers: accept })).body);
    assert.deepEqual(
      dearFirst,
      [...dearFirst].sort((a, b) => b - a),
    );
    assert.equal(dearFirst[0], Math.max(...asc));
    assert.match(cheapFirst.body, /<option value="price-asc" selected>/, 'the form shows the sort in use');
    const byName = await found(app, '/catalogue?sort=name');
    assert.deepEqual(byName, await found(app, '/catalogue'));

    // Filters: kind, price range (in the shop's currency), availability, category; combined.
    const digital = await app.inject({ url: '/catalogue?kind=digital', headers: accept });
    assert.ok(slugs(digital.body).includes('lanternfish-endpoint-shield'));
    assert.match(digital.body, /badge-digital/);
    assert.doesNotMatch(digital.body, /badge-physical|badge-service/);
    const band = prices((await app.inject({ url: '/catalogue?min=100&max=1000', headers: accept })).body);
    assert.ok(band.length > 0 && band.every((p) => p <= 1000), String(band));
    const laptops = await found(app, '/search?q=laptop&category=laptops');
    assert.ok(laptops.includes('corvid-aero-14'));
    const available = await found(app, '/categories/hardware?stock=in');
    assert.ok(!available.includes('corvid-business-router'), 'the router is sold out');
    assert.ok(available.includes('corvid-workstation-16'), 'one option of the workstation is on hand');
    assert.ok((await found(app, '/categories/hardware')).includes('corvid-business-router'));
    // Pagination keeps the filters: the next-page link carries them.
    const physical = await app.inject({ url: '/catalogue?kind=physical&sort=price-desc', headers: accept });
    if (/rel="next"/.test(physical.body)) assert.match(physical.body, /rel="next" href="\/catalogue\?kind=physical&amp;sort=price-desc&amp;page=2"/);
    // An empty field of the GET form is the same as no field.
    assert.deepEqual(await found(app, '/catalogue?sort=&kind=&min=&max=&category='), await found(app, '/catalogue'));

    // Nonsense values: a 400 that names the field.
    for (const [url, field] of [
      ['/catalogue?sort=cheapest', 'querystring.sort'],
      ['/catalogue?kind=edible', 'querystring.kind'],
      ['/catalogue?min=ten', 'querystring.min'],
      ['/search?q=x&max=-5', 'querystring.max'],
      ['/catalogue?min=20&max=10', 'querystring.max'],
      ['/search?q=x&category=no-such-shelf', 'querystring.category'],
      ['/categories/hardware?stock=maybe', 'querystring.stock'],
    ] as const) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error.fields[0].field, field, url);
    }

    // The buy box: one form, the options as radio buttons with price and stock, a sold-out one
    // disabled with its reason, one "Add to cart" button with no other accessible name.
    const buyer = newClient(app);
    const product = await buyer.get('/products/corvid-workstation-16');
    const form = /<form method="post" action="\/cart\/add" class="buy-box">[\s\S]*?<\/form>/.exec(product.body)?.[0];
    assert.ok(form, 'the product page has the buy box');
    const radios = [...form.matchAll(/<input type="radio"[^>]*>/g)].map((m) => m[0]);
    assert.ok(radios.length >= 2);
    const soldOut = radios.filter((r) => r.includes(' disabled'));
    assert.equal(soldOut.length, 1);
    assert.doesNotMatch(soldOut[0]!, /name=/, 'a sold-out option cannot be sent');
    const why = /aria-describedby="([^"]+)"/.exec(soldOut[0]!)![1]!;
    assert.match(form, new RegExp(`id="${why}">Out of stock<`));
    assert.equal((form.match(/<button/g) ?? []).length, 1);
    assert.match(form, /<button type="submit">Add to cart<\/button>/);
    assert.doesNotMatch(form, /aria-label/);
    // Sold out in every option: the options and prices stay, with no button to press.
    const router = (await buyer.get('/products/corvid-business-router')).body;
    assert.match(router, /\$189\.00/);
    assert.match(router, /Every option is out of stock/);
    assert.doesNotMatch(router, /Add to cart/);

    // Choose the second option of a laptop, not the one checked by default, and add two.
    const laptop = (await buyer.get('/products/corvid-aero-14')).body;
    const options = [...laptop.matchAll(/<input type="radio" id="[^"]+" name="variant_id" value="([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(options.length, 2);
    const chosen = options.at(-1)!;
    assert.doesNotMatch(laptop, new RegExp(`value="${chosen}" checked`), 'not the option chosen by default');
    let added = await buyer.post('/cart/add', { variant_id: chosen, quantity: '2' });
    if (added.statusCode === 200) added = await buyer.post('/cart/add', { variant_id: chosen, quantity: '2', confirm: '1' });
    assert.equal(added.statusCode, 303);
    const cart = await buyer.get('/cart');
    assert.match(cart.body, /Corvid Aero 14/);
    assert.match(cart.body, /Core i7, 32 GB/);
    assert.match(cart.body, new RegExp(`name="variant_id" value="${chosen}"`));
    assert.match(cart.body, /name="quantity"[^>]*value="2"/);
    assert.doesNotMatch(cart.body, new RegExp(`name="variant_id" value="${options[0]}"`), 'only the chosen option is in the cart');
  } finally {
    await app.close();
  }
});
