// Product pictures end to end: uploads through the staff API and the console form, the sizes the
// media store serves (type, cache headers, no metadata), refusals naming their field, and the
// storefront's cards and pages with srcset or the placeholder.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { staffClient } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { createProduct, createVendor } from './index.ts';

const password = 'granite-heron-58-waits-patiently';

/** Polls until `check` passes: the storefront's page cache is dropped by a NOTIFY shortly after commit. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await check()); tries++) {
    if (tries > 200) assert.fail('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function form(fields: Record<string, string>, file?: { data: Buffer; type: string }): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file) body.append('image', new Blob([new Uint8Array(file.data)], { type: file.type }), 'photo.jpg');
  return body;
}

async function upload(app: FastifyInstance, url: string, headers: Record<string, string>, body: FormData): Promise<LightMyRequestResponse> {
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  return app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': request.headers.get('content-type')! }, payload });
}

testEachDatabase('product pictures: uploaded, resized to WebP without metadata, served cached, shown with srcset or a placeholder', async (database) => {
  const { app, staffHeaders } = await buildTestApp(database);
  try {
    const db = database.db;
    const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
    const variants = [{ sku: 'MON-27', name: 'Standard', price_minor: 19900 }];
    const monitor = await createProduct(db, { slug: 'monitor', name: 'Monitor 27', vendor_id: vendor.id, kind: 'physical', variants }, { currency: 'EUR' });
    await createProduct(db, { slug: 'bare', name: 'Bare thing', vendor_id: vendor.id, kind: 'digital', variants: [{ sku: 'BARE', name: 'Standard', price_minor: 100 }] }, { currency: 'EUR' });
    const api = `/api/staff/products/${monitor.id}/images`;

    // A photo with the place it was taken in its EXIF.
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Secret Owner' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
      .toBuffer();
    assert.ok((await sharp(photo).metadata()).exif, 'the test photo carries EXIF');

    // Refusals name their field.
    const noAlt = await upload(app, api, staffHeaders, form({ alt: '  ' }, { data: photo, type: 'image/jpeg' }));
    assert.equal(noAlt.statusCode, 400);
    assert.equal(noAlt.json().error.fields[0].field, 'body.alt');
    const notImage = await upload(app, api, staffHeaders, form({ alt: 'A monitor' }, { data: Buffer.from('%PDF-1.4 not a picture'), type: 'image/jpeg' }));
    assert.equal(notImage.statusCode, 400);
    assert.equal(notImage.json().error.fields[0].field, 'body.image');
    const huge = await upload(app, api, staffHeaders, form({ alt: 'A monitor' }, { data: Buffer.alloc(10 * 1024 * 1024 + 1, 1), type: 'image/jpeg' }));
    assert.equal(huge.statusCode, 400);
    assert.equal(huge.json().error.fields[0].field, 'body.image');
    assert.match(huge.json().error.message, /larger than 10 MB/);

    // Placeholder while there is none.
    assert.match((await app.inject('/products/monitor')).body, /src="\/static\/placeholder\.svg"/);

    const added = await upload(app, api, staffHeaders, form({ alt: 'Monitor 27, front view' }, { data: photo, type: 'image/jpeg' }));
    assert.equal(added.statusCode, 201, added.body);
    const picture = added.json();
    assert.deepEqual(picture.widths, [320, 640, 1280]);
    assert.equal(picture.height, 960);
    for (const [i, url] of (picture.urls as string[]).entries()) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/webp');
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const meta = await sharp(res.rawPayload).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(meta.width, picture.widths[i]);
      assert.equal(meta.exif, undefined, 'no EXIF served');
      assert.ok(!res.rawPayload.includes('Secret Owner'));
    }
    assert.equal((await app.inject(`/media/${picture.image_id}-999.webp`)).statusCode, 404);
    assert.equal((await app.inject('/media/nothing.webp')).statusCode, 404);

    // The storefront shows it: srcset on the card and the page, the page's main picture not lazy.
    // The page cache is dropped by a NOTIFY, which arrives shortly after the commit.
    await eventually(async () => (await app.inject('/products/monitor')).body.includes('srcset'));
    const page = (await app.inject('/products/monitor')).body;
    assert.match(page, new RegExp(`srcset="/media/${picture.image_id}-320\\.webp 320w, /media/${picture.image_id}-640\\.webp 640w, /media/${picture.image_id}-1280\\.webp 1280w"`));
    assert.match(page, /<img [^>]*width="1280" height="960" alt="Monitor 27, front view" fetchpriority="high"/);
    const card = (await app.inject('/catalogue')).body;
    assert.match(card, /<img [^>]*srcset="[^"]+" [^>]*alt="Monitor 27, front view" loading="lazy"/);
    assert.match((await app.inject('/products/bare')).body, /placeholder\.svg/);

    // The console page: an owner uploads through the multipart form (CSRF checked), reorders, removes.
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
    const consolePath = `/staff/catalogue/products/${monitor.id}/images`;
    const shown = await owner.get(consolePath);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /enctype="multipart\/form-data"/);
    const headers = { cookie: [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html' };
    const forged = await upload(app, consolePath, headers, form({ _csrf: 'nope', alt: 'Side view' }, { data: photo, type: 'image/jpeg' }));
    assert.equal(forged.statusCode, 403);
    const refused = await upload(app, consolePath, headers, form({ _csrf: owner.csrf, alt: '' }, { data: photo, type: 'image/jpeg' }));
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /href="#f-alt"/);
    const posted = await upload(app, consolePath, headers, form({ _csrf: owner.csrf, alt: 'Monitor 27, side view' }, { data: photo, type: 'image/jpeg' }));
    assert.equal(posted.statusCode, 303, posted.body.slice(0, 300));
    const list = (await app.inject({ url: api, headers: staffHeaders })).json().items as { id: string; alt: string }[];
    assert.deepEqual(
      list.map((p) => p.alt),
      ['Monitor 27, front view', 'Monitor 27, side view'],
    );
    await owner.get(consolePath);
    assert.equal((await owner.post(`${consolePath}/${list[1]!.id}/move`, { direction: 'first' })).statusCode, 303);
    await eventually(async () => /alt="Monitor 27, side view" fetchpriority="high"/.test((await app.inject('/products/monitor')).body));
    assert.equal((await owner.post(`${consolePath}/${list[0]!.id}/remove`, {})).statusCode, 303);
    assert.equal((await app.inject({ url: api, headers: staffHeaders })).json().items.length, 1);

    // Support staff do not manage the catalogue.
    const support = await staffClient(app, db, { name: 'Sam Support', email: 'support@shop.example', role: 'support', password });
    assert.equal((await support.get(consolePath)).statusCode, 403);
  } finally {
    await app.close();
  }
});
