import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { buildTestApp, TEST_STAFF_TOKEN } from '../../platform/testing/app.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Module } from '../../platform/module.ts';
import { modules, wiringOf } from '../../modules.ts';
import { buildApp } from '../../web/app.ts';

type Headers = { authorization: string };

/** A 4xx answer in the one error shape, naming `field`, without a stack trace or SQL. */
function assertFieldError(res: LightMyRequestResponse, status: number, code: string, field: string): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.equal(body.error.code, code, res.body);
  assert.ok(
    body.error.fields.some((f: { field: string }) => f.field === field),
    `expected a problem naming ${field}, got ${JSON.stringify(body.error.fields)}`,
  );
  assert.doesNotMatch(res.body, /\bat .+\.ts:\d+|stack|select |insert into|constraint/i);
}

async function createVendor(app: FastifyInstance, headers: Headers, slug = 'acme') {
  const res = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug, name: 'Acme Software' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function createProduct(app: FastifyInstance, headers: Headers, vendorId: string, slug = 'backup-pro', sku = 'BKP-1') {
  const res = await app.inject({
    method: 'POST',
    url: '/api/staff/products',
    headers,
    payload: {
      slug,
      name: 'Backup Pro',
      description: 'Backs things up.',
      vendor_id: vendorId,
      kind: 'digital',
      variants: [{ sku, name: 'Single licence', price_minor: 4900 }],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

testEachDatabase('staff API: vendors, categories, products and variants round trip', async (database) => {
  const { app, staffHeaders: headers, config } = await buildTestApp(database);
  try {
    const vendor = await createVendor(app, headers);
    assert.equal(vendor.slug, 'acme');
    assert.equal(vendor.description, '');
    assert.equal(vendor.website, null);
    assert.match(vendor.id, /^[0-9a-f-]{36}$/);

    const patchedVendor = await app.inject({
      method: 'PATCH',
      url: `/api/staff/vendors/${vendor.id}`,
      headers,
      payload: { website: 'https://acme.example', description: 'Makers of fine software.' },
    });
    assert.equal(patchedVendor.statusCode, 200, patchedVendor.body);
    assert.equal(patchedVendor.json().website, 'https://acme.example');
    assert.ok(new Date(patchedVendor.json().updated_at) >= new Date(vendor.updated_at));
    const vendors = await app.inject({ url: '/api/staff/vendors', headers });
    assert.deepEqual(
      vendors.json().items.map((v: { slug: string }) => v.slug),
      ['acme'],
    );
    assert.equal((await app.inject({ url: `/api/staff/vendors/${vendor.id}`, headers })).json().description, 'Makers of fine software.');

    const parent = await app.inject({ method: 'POST', url: '/api/staff/categories', headers, payload: { slug: 'software', name: 'Software' } });
    assert.equal(parent.statusCode, 201, parent.body);
    const child = await app.inject({
      method: 'POST',
      url: '/api/staff/categories',
      headers,
      payload: { slug: 'security', name: 'Security', parent_id: parent.json().id, position: 2 },
    });
    assert.equal(child.statusCode, 201, child.body);
    assert.equal(child.json().parent_id, parent.json().id);
    const renamed = await app.inject({ method: 'PATCH', url: `/api/staff/categories/${child.json().id}`, headers, payload: { name: 'Security tools' } });
    assert.equal(renamed.json().name, 'Security tools');
    assert.equal((await app.inject({ url: `/api/staff/categories/${child.json().id}`, headers })).json().name, 'Security tools');
    assert.equal((await app.inject({ url: '/api/staff/categories', headers })).json().items.length, 2);

    const product = await createProduct(app, headers, vendor.id);
    assert.equal(product.vendor.slug, 'acme');
    assert.equal(product.category, null);
    assert.equal(product.status, 'active');
    assert.deepEqual(
      product.variants.map((v: { sku: string; currency: string; stock: null; price_minor: number }) => [v.sku, v.price_minor, v.currency, v.stock]),
      [['BKP-1', 4900, config.currency, null]],
    );

    const moved = await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}`,
      headers,
      payload: { category_id: child.json().id, name: 'Backup Pro 2', status: 'draft' },
    });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().category.slug, 'security');
    assert.equal(moved.json().status, 'draft');

    const added = await app.inject({
      method: 'POST',
      url: `/api/staff/products/${product.id}/variants`,
      headers,
      payload: { sku: 'BKP-5', name: 'Five licences', price_minor: 19900, currency: 'EUR', stock: 7 },
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().product_id, product.id);
    assert.equal(added.json().position, 1);
    assert.equal(added.json().stock, 7);

    const repriced = await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}/variants/${added.json().id}`,
      headers,
      payload: { price_minor: 17900, stock: null },
    });
    assert.equal(repriced.statusCode, 200, repriced.body);
    assert.equal(repriced.json().price_minor, 17900);
    assert.equal(repriced.json().stock, null);

    const listed = await app.inject({ url: '/api/staff/products?status=draft&q=backup&per_page=5', headers });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.equal(listed.json().total, 1);
    assert.equal(listed.json().per_page, 5);
    assert.equal(listed.json().items[0].variant_count, 2);
    assert.equal((await app.inject({ url: '/api/staff/products?status=active', headers })).json().total, 0);

    const first = product.variants[0].id;
    const removed = await app.inject({ method: 'DELETE', url: `/api/staff/products/${product.id}/variants/${first}`, headers });
    assert.equal(removed.statusCode, 204, removed.body);
    const last = await app.inject({ method: 'DELETE', url: `/api/staff/products/${product.id}/variants/${added.json().id}`, headers });
    assertFieldError(last, 409, 'CONFLICT', 'params.variantId');

    const archived = await app.inject({ method: 'PATCH', url: `/api/staff/products/${product.id}`, headers, payload: { status: 'archived' } });
    assert.equal(archived.json().status, 'archived');
    const shown = await app.inject({ url: `/api/staff/products/${product.id}`, headers });
    assert.deepEqual(
      shown.json().variants.map((v: { sku: string }) => v.sku),
      ['BKP-5'],
    );
    assert.equal(shown.json().status, 'archived');
  } finally {
    await app.close();
  }
});

testEachDatabase('staff API: a product edited through the API shows the change on the next API read and on its storefront page, without restart', async (database) => {
  const { app, staffHeaders: headers } = await buildTestApp(database);
  try {
    const vendor = await createVendor(app, headers);
    const product = await createProduct(app, headers, vendor.id);
    assert.equal((await app.inject({ url: `/api/staff/products/${product.id}`, headers })).json().name, 'Backup Pro');
    await app.inject({ method: 'PATCH', url: `/api/staff/products/${product.id}`, headers, payload: { name: 'Backup Ultra' } });
    await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}/variants/${product.variants[0].id}`,
      headers,
      payload: { price_minor: 5900 },
    });
    const again = await app.inject({ url: `/api/staff/products/${product.id}`, headers });
    assert.equal(again.json().name, 'Backup Ultra');
    assert.equal(again.json().variants[0].price_minor, 5900);
    const listed = await app.inject({ url: '/api/staff/products?q=ultra', headers });
    assert.equal(listed.json().items[0].min_price_minor, 5900);

    // The storefront caches pages; the API's write tells it to drop them, so the page changes too.
    const page = async () => (await app.inject({ url: `/products/${product.slug}`, headers: { accept: 'text/html' } })).body;
    assert.match(await page(), /Backup Ultra/);
    await app.inject({ method: 'PATCH', url: `/api/staff/products/${product.id}`, headers, payload: { name: 'Backup Infinity' } });
    let body = '';
    for (let i = 0; i < 100 && !/Backup Infinity/.test(body); i++) {
      body = await page();
      if (!/Backup Infinity/.test(body)) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.match(body, /Backup Infinity/);
    assert.match(body, /\$59\.00/);
  } finally {
    await app.close();
  }
});

testEachDatabase('staff API: every route refuses a missing or wrong token', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string][] = [
      ['GET', '/api/staff/vendors'],
      ['POST', '/api/staff/vendors'],
      ['GET', `/api/staff/vendors/${id}`],
      ['PATCH', `/api/staff/vendors/${id}`],
      ['GET', '/api/staff/categories'],
      ['POST', '/api/staff/categories'],
      ['GET', `/api/staff/categories/${id}`],
      ['PATCH', `/api/staff/categories/${id}`],
      ['GET', '/api/staff/products'],
      ['POST', '/api/staff/products'],
      ['GET', `/api/staff/products/${id}`],
      ['PATCH', `/api/staff/products/${id}`],
      ['POST', `/api/staff/products/${id}/variants`],
      ['PATCH', `/api/staff/products/${id}/variants/${id}`],
      ['DELETE', `/api/staff/products/${id}/variants/${id}`],
    ];
    for (const [method, url] of routes) {
      for (const headers of [{}, { authorization: 'Bearer not-the-token-not-the-token-not-the-token' }, { authorization: 'Basic abc' }]) {
        const res = await app.inject({ method: method as 'GET', url, headers, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
        assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
        assert.equal(res.json().error.code, 'UNAUTHENTICATED');
      }
    }
  } finally {
    await app.close();
  }
});

testEachDatabase('staff API: bad input gets a 4xx naming the field, never a 500', async (database) => {
  const { app, staffHeaders: headers, logs } = await buildTestApp(database);
  try {
    const vendor = await createVendor(app, headers);
    const product = await createProduct(app, headers, vendor.id);
    const json = { ...headers, 'content-type': 'application/json' };

    const badJson = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers: json, payload: '{"slug": "x",' });
    assertFieldError(badJson, 400, 'BAD_JSON', 'body');

    const wrongType = await app.inject({
      method: 'POST',
      url: `/api/staff/products/${product.id}/variants`,
      headers,
      payload: { sku: 'X-1', price_minor: 'nineteen' },
    });
    assertFieldError(wrongType, 400, 'VALIDATION_FAILED', 'body.price_minor');

    // The shell's Ajv coerces types; a JSON body must not be: true is not 1, 123 is not "123".
    const booleanPrice = await app.inject({
      method: 'POST',
      url: `/api/staff/products/${product.id}/variants`,
      headers,
      payload: { sku: 'X-2', price_minor: true },
    });
    assertFieldError(booleanPrice, 400, 'VALIDATION_FAILED', 'body.price_minor');
    const numericName = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug: 'n', name: 123 } });
    assertFieldError(numericName, 400, 'VALIDATION_FAILED', 'body.name');
    const stringInArray = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: { slug: 'p5', name: 'P5', vendor_id: vendor.id, kind: 'digital', variants: [{ sku: 'P5-1', price_minor: '100' }] },
    });
    assertFieldError(stringInArray, 400, 'VALIDATION_FAILED', 'body.variants.0.price_minor');
    const nullBody = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers: json, payload: 'null' });
    assertFieldError(nullBody, 400, 'VALIDATION_FAILED', 'body');

    const fractional = await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}/variants/${product.variants[0].id}`,
      headers,
      payload: { price_minor: 19.99 },
    });
    assertFieldError(fractional, 400, 'VALIDATION_FAILED', 'body.price_minor');

    const tooBig = await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}/variants/${product.variants[0].id}`,
      headers,
      payload: { price_minor: 2 ** 31 },
    });
    assertFieldError(tooBig, 400, 'VALIDATION_FAILED', 'body.price_minor');

    const nested = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: { slug: 'p2', name: 'P2', vendor_id: vendor.id, kind: 'digital', variants: [{ sku: 'P2-1', price_minor: -1 }] },
    });
    assertFieldError(nested, 400, 'VALIDATION_FAILED', 'body.variants.0.price_minor');

    const longName = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug: 'long', name: 'x'.repeat(201) } });
    assertFieldError(longName, 400, 'VALIDATION_FAILED', 'body.name');
    const longDescription = await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}`,
      headers,
      payload: { description: 'x'.repeat(20001) },
    });
    assertFieldError(longDescription, 400, 'VALIDATION_FAILED', 'body.description');

    const unknownField = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug: 'u', name: 'U', colour: 'red' } });
    assertFieldError(unknownField, 400, 'VALIDATION_FAILED', 'body.colour');

    const missing = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug: 'm' } });
    assertFieldError(missing, 400, 'VALIDATION_FAILED', 'body.name');

    const badSlug = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug: 'Not A Slug', name: 'N' } });
    assertFieldError(badSlug, 400, 'VALIDATION_FAILED', 'body.slug');

    const nul = await app.inject({ method: 'PATCH', url: `/api/staff/vendors/${vendor.id}`, headers, payload: { name: 'A\u0000B' } });
    assertFieldError(nul, 400, 'VALIDATION_FAILED', 'body.name');
    const nulQuery = await app.inject({ url: '/api/staff/products?q=a%00b', headers });
    assertFieldError(nulQuery, 400, 'VALIDATION_FAILED', 'querystring.q');

    const perPage = await app.inject({ url: '/api/staff/products?per_page=101', headers });
    assertFieldError(perPage, 400, 'VALIDATION_FAILED', 'querystring.per_page');

    const emptyPatch = await app.inject({ method: 'PATCH', url: `/api/staff/products/${product.id}`, headers, payload: {} });
    assertFieldError(emptyPatch, 400, 'VALIDATION_FAILED', 'body');

    const noVariants = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: { slug: 'p3', name: 'P3', vendor_id: vendor.id, kind: 'digital', variants: [] },
    });
    assertFieldError(noVariants, 400, 'VALIDATION_FAILED', 'body.variants');

    const unknownId = '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f';
    const unknownProduct = await app.inject({ url: `/api/staff/products/${unknownId}`, headers });
    assertFieldError(unknownProduct, 404, 'NOT_FOUND', 'params.id');
    const unknownPatch = await app.inject({ method: 'PATCH', url: `/api/staff/products/${unknownId}`, headers, payload: { name: 'Ghost' } });
    assertFieldError(unknownPatch, 404, 'NOT_FOUND', 'params.id');
    const unknownVariant = await app.inject({
      method: 'PATCH',
      url: `/api/staff/products/${product.id}/variants/${unknownId}`,
      headers,
      payload: { stock: 1 },
    });
    assertFieldError(unknownVariant, 404, 'NOT_FOUND', 'params.variantId');
    const unknownVendorRef = await app.inject({ method: 'PATCH', url: `/api/staff/products/${product.id}`, headers, payload: { vendor_id: unknownId } });
    assertFieldError(unknownVendorRef, 400, 'VALIDATION_FAILED', 'body.vendor_id');
    const unknownCategoryRef = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: { slug: 'p4', name: 'P4', vendor_id: vendor.id, category_id: unknownId, kind: 'digital', variants: [{ sku: 'P4-1', price_minor: 1 }] },
    });
    assertFieldError(unknownCategoryRef, 400, 'VALIDATION_FAILED', 'body.category_id');

    const malformed = await app.inject({ url: '/api/staff/products/not-a-uuid', headers });
    assertFieldError(malformed, 400, 'VALIDATION_FAILED', 'params.id');
    const malformedVariant = await app.inject({ method: 'DELETE', url: `/api/staff/products/${product.id}/variants/42`, headers });
    assertFieldError(malformedVariant, 400, 'VALIDATION_FAILED', 'params.variantId');

    const duplicateSlug = await app.inject({ method: 'POST', url: '/api/staff/vendors', headers, payload: { slug: 'acme', name: 'Other Acme' } });
    assertFieldError(duplicateSlug, 409, 'CONFLICT', 'body.slug');
    const duplicateProductSlug = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: { slug: 'backup-pro', name: 'Dup', vendor_id: vendor.id, kind: 'digital', variants: [{ sku: 'NEW-1', price_minor: 1 }] },
    });
    assertFieldError(duplicateProductSlug, 409, 'CONFLICT', 'body.slug');
    const duplicateSku = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: {
        slug: 'other',
        name: 'Other',
        vendor_id: vendor.id,
        kind: 'physical',
        variants: [
          { sku: 'OTHER-1', price_minor: 1 },
          { sku: 'BKP-1', price_minor: 2 },
        ],
      },
    });
    assertFieldError(duplicateSku, 409, 'CONFLICT', 'body.variants.1.sku');
    const repeatedSku = await app.inject({
      method: 'POST',
      url: '/api/staff/products',
      headers,
      payload: {
        slug: 'rep',
        name: 'Rep',
        vendor_id: vendor.id,
        kind: 'physical',
        variants: [
          { sku: 'R', price_minor: 1 },
          { sku: 'R', price_minor: 2 },
        ],
      },
    });
    assertFieldError(repeatedSku, 400, 'VALIDATION_FAILED', 'body.variants.1.sku');
    const duplicateSkuOnAdd = await app.inject({ method: 'POST', url: `/api/staff/products/${product.id}/variants`, headers, payload: { sku: 'BKP-1', price_minor: 1 } });
    assertFieldError(duplicateSkuOnAdd, 409, 'CONFLICT', 'body.sku');
    // A failed create leaves nothing behind: the whole product is one transaction.
    assert.equal((await app.inject({ url: '/api/staff/products?q=other', headers })).json().total, 0);

    const cat = (await app.inject({ method: 'POST', url: '/api/staff/categories', headers, payload: { slug: 'a', name: 'A' } })).json();
    const sub = (await app.inject({ method: 'POST', url: '/api/staff/categories', headers, payload: { slug: 'b', name: 'B', parent_id: cat.id } })).json();
    const cycle = await app.inject({ method: 'PATCH', url: `/api/staff/categories/${cat.id}`, headers, payload: { parent_id: sub.id } });
    assertFieldError(cycle, 400, 'VALIDATION_FAILED', 'body.parent_id');
    const selfParent = await app.inject({ method: 'PATCH', url: `/api/staff/categories/${cat.id}`, headers, payload: { parent_id: cat.id } });
    assertFieldError(selfParent, 400, 'VALIDATION_FAILED', 'body.parent_id');

    assert.equal(logs.filter((l) => l.level === 50).length, 0, 'no error was logged');
  } finally {
    await app.close();
  }
});

testEachDatabase('staff API: an unexpected failure is a 500 with an incident id and no internals', async (database) => {
  const { app, staffHeaders: headers, logs } = await buildTestApp(database);
  try {
    const vendor = await createVendor(app, headers);
    const product = await createProduct(app, headers, vendor.id);
    // Break the schema under the running app: the read fails inside PostgreSQL.
    await database.db.schema.alterTable('catalogue_variants').renameTo('variants_gone').execute();
    const res = await app.inject({ url: `/api/staff/products/${product.id}`, headers });
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.equal(body.error.code, 'INTERNAL');
    assert.match(body.error.incident, /^[0-9a-f-]{36}$/);
    assert.doesNotMatch(res.body, /variants|relation|select|\.ts/);
    const logged = logs.find((l) => l.incident === body.error.incident);
    assert.ok(logged, 'the incident is logged under its id');
  } finally {
    await app.close();
  }
});

testEachDatabase('an unexpected error in any route is a 500 with an incident id, logged, with no internals in the answer', async (database) => {
  const { config } = await buildTestApp(database);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const boom: Module = {
    name: 'boom',
    migrations: [],
    routes: async (app) => {
      app.get('/api/staff/boom', { onRequest: app.requireStaff }, async () => {
        throw new Error('secret internals: password=hunter2 at /srv/custodian/db.ts:42');
      });
    },
  };
  const app = await buildApp({ config, database, logger: createLogger('info', sink), modules: [...modules, boom], wiring: wiringOf([...modules, boom]), staffApiToken: TEST_STAFF_TOKEN });
  try {
    const res = await app.inject({ url: '/api/staff/boom', headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } });
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'incident', 'message']);
    assert.equal(body.error.code, 'INTERNAL');
    assert.doesNotMatch(res.body, /secret|hunter2|db\.ts|Error/);
    assert.ok(
      lines.some((l) => l.incident === body.error.incident),
      'the incident id is in the log',
    );
  } finally {
    await app.close();
  }
});

testEachDatabase('/openapi.json documents every staff route with its schemas and the staff token', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const res = await app.inject({ url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    const expected: Record<string, string[]> = {
      '/api/staff/vendors': ['get', 'post'],
      '/api/staff/vendors/{id}': ['get', 'patch'],
      '/api/staff/categories': ['get', 'post'],
      '/api/staff/categories/{id}': ['get', 'patch'],
      '/api/staff/products': ['get', 'post'],
      '/api/staff/products/{id}': ['get', 'patch'],
      '/api/staff/products/{id}/variants': ['post'],
      '/api/staff/products/{id}/variants/{variantId}': ['patch', 'delete'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const op = doc.paths[path]?.[method];
        assert.ok(op, `${method.toUpperCase()} ${path} is documented`);
        assert.deepEqual(op.security, [{ staffToken: [] }], `${method} ${path} names the staff token`);
        assert.ok(op.responses['4XX'] ?? op.responses['4xx'], `${method} ${path} documents its errors`);
        if (path.includes('{id}')) {
          const id = op.parameters.find((p: { name: string; in: string }) => p.name === 'id' && p.in === 'path');
          assert.equal(id.schema.format, 'uuid');
        }
      }
    }
    assert.equal(doc.components.securitySchemes.staffToken.scheme, 'bearer');
    const create = doc.paths['/api/staff/products'].post.requestBody.content['application/json'].schema;
    assert.equal(create.additionalProperties, false);
    assert.equal(create.properties.name.maxLength, 200);
    assert.equal(create.properties.variants.items.properties.price_minor.type, 'integer');
    assert.ok(doc.paths['/api/staff/products'].post.responses['201'].content['application/json'].schema.properties.variants);
    const list = doc.paths['/api/staff/products'].get.parameters.find((p: { name: string }) => p.name === 'per_page');
    assert.equal(list.schema.maximum, 100);
  } finally {
    await app.close();
  }
});
