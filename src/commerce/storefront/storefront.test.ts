import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { addHtmlSpecialProduct, seedDemoShop, demoProducts, htmlSpecialProductName } from '../../demo/index.ts';
import { escapeHtml } from '../../web/template.ts';
import { PRODUCTS_PER_PAGE } from './routes.ts';
import { eventually } from './test-support.ts';

const accept = { accept: 'text/html,application/xhtml+xml' };

async function page(app: FastifyInstance, url: string) {
  return app.inject({ url, headers: accept });
}

function productSlugs(body: string): string[] {
  return [...body.matchAll(/<a href="\/products\/([a-z0-9-]+)">/g)].map((m) => m[1]!);
}

const activeSlugs = demoProducts.filter((p) => (p.status ?? 'active') === 'active').map((p) => p.slug);
const slugsIn = (...categories: string[]) => demoProducts.filter((p) => categories.includes(p.category) && p.status === undefined).map((p) => p.slug);

testEachDatabase('storefront: every page renders as HTML with 200, strict CSP and no cookie', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    assert.equal(await seedDemoShop(database.db), true);
    for (const url of [
      '/',
      '/catalogue',
      '/catalogue?page=2',
      '/categories/hardware',
      '/categories/telecom',
      '/search',
      '/search?q=laptop',
      '/products/corvid-aero-14',
      '/products/lanternfish-endpoint-shield',
      '/products/ashgrove-mobile-plan',
    ]) {
      const res = await page(app, url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/, url);
      assert.match(res.body, /^<!doctype html>/, url);
      assert.match(res.body, /<h1>[^<]+/, url);
      assert.equal(res.headers['set-cookie'], undefined, `${url} sets a cookie`);
      assert.doesNotMatch(res.body, /<script|<style|\sstyle=|\son[a-z]+=/i, `${url} has inline script or style`);
      assert.doesNotMatch(String(res.headers['content-security-policy']), /unsafe-inline/);
    }
    const home = await page(app, '/');
    assert.match(home.body, /<a href="\/categories\/software">Software<\/a>/);
    assert.match(home.body, /<a href="\/categories\/monitoring">Monitoring<\/a>/);
    assert.ok(productSlugs(home.body).length >= 4, 'home shows featured products');
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: the catalogue paginates every active product exactly once', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const pages = Math.ceil(activeSlugs.length / PRODUCTS_PER_PAGE);
    assert.ok(pages >= 2, 'the demo shop fills more than one page');
    const seen: string[] = [];
    for (let n = 1; n <= pages; n++) {
      const res = await page(app, `/catalogue?page=${n}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`Page ${n} of ${pages}`));
      assert.equal(res.body.includes(`rel="prev" href="/catalogue?page=${n - 1}"`), n > 1, `prev link on page ${n}`);
      assert.equal(res.body.includes(`rel="next" href="/catalogue?page=${n + 1}"`), n < pages, `next link on page ${n}`);
      const slugs = productSlugs(res.body);
      assert.equal(slugs.length, n < pages ? PRODUCTS_PER_PAGE : activeSlugs.length - PRODUCTS_PER_PAGE * (pages - 1));
      seen.push(...slugs);
    }
    assert.deepEqual([...seen].sort(), [...activeSlugs].sort());
    assert.equal((await page(app, '/catalogue')).body, (await page(app, '/catalogue?page=1')).body);
    const past = await page(app, `/catalogue?page=${pages + 1}`);
    assert.equal(past.statusCode, 404);
    assert.match(past.body, new RegExp(`There is no page ${pages + 1} of this listing`));
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: bad query strings get a 400 naming the field', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    for (const url of ['/catalogue?page=abc', '/catalogue?page=0', '/catalogue?page=1.5', '/categories/hardware?page=-2', '/search?q=x&page=abc']) {
      const htmlRes = await page(app, url);
      assert.equal(htmlRes.statusCode, 400, url);
      assert.match(htmlRes.body, /querystring\.page/, url);
      const jsonRes = await app.inject({ url });
      assert.equal(jsonRes.statusCode, 400, url);
      assert.equal(jsonRes.json().error.code, 'VALIDATION_FAILED');
      assert.equal(jsonRes.json().error.fields[0].field, 'querystring.page');
    }
    const long = await app.inject({ url: `/search?q=${'a'.repeat(201)}` });
    assert.equal(long.statusCode, 400);
    assert.equal(long.json().error.fields[0].field, 'querystring.q');
    assert.equal((await app.inject({ url: `/search?q=${'a'.repeat(200)}`, headers: accept })).statusCode, 200);
    const badSlug = await app.inject({ url: '/products/Not_A_Slug' });
    assert.equal(badSlug.statusCode, 400);
    assert.equal(badSlug.json().error.fields[0].field, 'params.slug');
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: search finds products by word and by SKU', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const prompt = await page(app, '/search?q=');
    assert.equal(prompt.statusCode, 200);
    assert.match(prompt.body, /Type a product name, a word from its description, or a SKU/);
    assert.deepEqual(productSlugs(prompt.body), []);
    assert.deepEqual(productSlugs((await page(app, '/search?q=%20%20')).body), [], 'blank query shows the prompt');

    const byWord = await page(app, '/search?q=ransomware');
    assert.deepEqual(productSlugs(byWord.body), ['lanternfish-endpoint-shield']);
    assert.match(byWord.body, /Search results for “ransomware”/);
    assert.match(byWord.body, /value="ransomware"/, 'the search box keeps the query');

    const byName = productSlugs((await page(app, '/search?q=Corvid')).body);
    assert.ok(byName.includes('corvid-aero-14') && byName.includes('corvid-usb-c-dock'));
    assert.ok(!byName.includes('ashgrove-mobile-plan'));

    assert.deepEqual(productSlugs((await page(app, '/search?q=CV-SW8')).body), ['corvid-8-port-switch']);
    assert.deepEqual(productSlugs((await page(app, '/search?q=bw-mon-plus')).body), ['brightwater-remote-monitoring']);

    const none = await page(app, '/search?q=submarine');
    assert.deepEqual(productSlugs(none.body), []);
    assert.match(none.body, /0 products match/);

    const hostile = await page(app, `/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    assert.equal(hostile.statusCode, 200);
    assert.doesNotMatch(hostile.body, /<script>alert/);
    assert.match(hostile.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: a category page includes the products of its child categories', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const hardwareSlugs = slugsIn('laptops', 'networking', 'accessories', 'industrial');
    const seen: string[] = [];
    const first = await page(app, '/categories/hardware');
    const pages = Math.ceil(hardwareSlugs.length / PRODUCTS_PER_PAGE);
    assert.match(first.body, new RegExp(`Page 1 of ${pages}`));
    for (let n = 1; n <= pages; n++) seen.push(...productSlugs((await page(app, `/categories/hardware?page=${n}`)).body));
    assert.deepEqual(seen.sort(), [...hardwareSlugs].sort());

    const laptops = await page(app, '/categories/laptops');
    assert.deepEqual(productSlugs(laptops.body).sort(), slugsIn('laptops').sort());
    assert.match(laptops.body, /<li><a href="\/categories\/hardware">Hardware<\/a><\/li><li aria-current="page">Laptops<\/li>/);
    assert.match(laptops.body, /<a href="\/categories\/laptops" aria-current="page">Laptops<\/a>/);

    const unknown = await page(app, '/categories/no-such-shelf');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /This category was not found/);
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: a product page shows vendor, breadcrumb, kind and each variant with SKU, price and stock', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const laptop = (await page(app, '/products/corvid-aero-14')).body;
    assert.match(laptop, /<h1>Corvid Aero 14<\/h1>/);
    assert.match(laptop, /By <span class="vendor">Corvid Hardware<\/span>/);
    assert.match(laptop, /<span class="badge badge-physical">Physical<\/span>/);
    assert.match(laptop, /<a href="\/categories\/hardware">Hardware<\/a><\/li><li><a href="\/categories\/laptops">Laptops<\/a><\/li><li aria-current="page">Corvid Aero 14<\/li>/);
    assert.match(
      laptop,
      /<span class="buy-option-name">Core i5, 16 GB, 512 GB SSD<\/span> <span class="meta">SKU <code>CV-AERO14-I5-16<\/code><\/span> <span class="price">\$1,099\.00<\/span> <span class="currency">USD<\/span><\/label> <span class="stock stock-in">In stock: 12<\/span>/,
    );
    assert.match(laptop, /CV-AERO14-I7-32.*\$1,499\.00.*In stock: 5/);

    const workstation = (await page(app, '/products/corvid-workstation-16')).body;
    assert.match(workstation, /CV-WS16-128.*\$2,899\.00.*Out of stock/);

    const licence = (await page(app, '/products/lanternfish-endpoint-shield')).body;
    assert.match(licence, /badge-digital">Digital</);
    assert.match(licence, /no shipping address is needed/);
    assert.match(licence, /LF-ES-1Y-1.*\$39\.99.*Always available/);
    assert.doesNotMatch(licence, /In stock|Out of stock/);
    assert.equal((licence.match(/<p>/g) ?? []).length >= 2, true, 'description paragraphs are kept');

    const plan = (await page(app, '/products/ashgrove-mobile-plan')).body;
    assert.match(plan, /badge-service">Service</);
    assert.match(plan, /By <span class="vendor">Ashgrove Telecom<\/span>/);
    assert.match(plan, /AG-MOB-5GB.*\$15\.00/);

    const missing = await page(app, '/products/no-such-product');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /<h1>Not found<\/h1>/);
    assert.match(missing.body, /This product was not found/);
    assert.equal((await app.inject({ url: '/products/no-such-product' })).json().error.code, 'NOT_FOUND');
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: draft and archived products never show', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const draft = demoProducts.find((p) => p.status === 'draft')!;
    assert.equal((await page(app, `/products/${draft.slug}`)).statusCode, 404);
    const everywhere = async () => {
      const bodies = await Promise.all(
        ['/', '/catalogue', '/catalogue?page=2', '/categories/laptops', '/categories/hardware', '/search?q=Corvid', '/search?q=model'].map(async (url) => (await page(app, url)).body),
      );
      return bodies.flatMap(productSlugs);
    };
    assert.ok(!(await everywhere()).includes(draft.slug));

    // Archive a product that was on sale (and whose page is cached by now), as staff would.
    assert.equal((await page(app, '/products/corvid-aero-14')).statusCode, 200);
    assert.ok((await everywhere()).includes('corvid-aero-14'));
    await database.db.transaction().execute(async (trx) => {
      await sql`update catalogue_products set status = 'archived' where slug = 'corvid-aero-14'`.execute(trx);
      await sql`select pg_notify('catalogue_changed', '')`.execute(trx);
    });
    await eventually(async () => (await page(app, '/products/corvid-aero-14')).statusCode === 404);
    assert.ok(!(await everywhere()).includes('corvid-aero-14'));
  } finally {
    await app.close();
  }
});

testEachDatabase('storefront: a product name made of HTML-special characters is shown escaped', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    await addHtmlSpecialProduct(database.db);
    const escaped = escapeHtml(htmlSpecialProductName);
    assert.equal(escaped, 'Cable &lt;b&gt;&amp;&lt;/b&gt; &quot;Adapter&quot; &#39;Kit&#39;');
    const product = (await page(app, '/products/cable-adapter-kit')).body;
    assert.ok(product.includes(`<h1>${escaped}</h1>`));
    assert.ok(product.includes(`<title>${escaped} · `));
    assert.ok(product.includes('in a &lt;pouch&gt; &amp; &quot;travel&quot; case'), 'the description is escaped too');
    assert.ok(!product.includes('<b>'));
    for (const url of ['/categories/accessories', '/search?q=adapter']) {
      const body = (await page(app, url)).body;
      assert.ok(body.includes(`<a href="/products/cable-adapter-kit">${escaped}</a>`), url);
      assert.ok(!body.includes(htmlSpecialProductName), url);
    }
  } finally {
    await app.close();
  }
});
