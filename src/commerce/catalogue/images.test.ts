// Product pictures end to end: uploads through the staff API and the console form, the sizes the
// media store serves (type, cache headers, no metadata), refusals naming their field, and the
// storefront's cards and pages with srcset or the placeholder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { staffClient } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { createProduct, createVendor } from './index.ts';
import { changeBrand } from '../../brand/index.ts';
import { addImage, MEDIA_SWEEP_JOB, mediaModule, mediaStorage } from '../../media/index.ts';
import type { JobContext } from '../../platform/jobs/index.ts';

const password = 'granite-heron-58-waits-patiently';

/** Polls until `check` passes: the storefront's page cache is dropped by a NOTIFY shortly after commit. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await check()); tries++) {
    if (tries > 200) assert.fail('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function form(fields: Record<string, string>, file?: { data: Buffer; type: string; field?: string }): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file) body.append(file.field ?? 'image', new Blob([new Uint8Array(file.data)], { type: file.type }), 'photo.jpg');
  return body;
}

async function upload(app: FastifyInstance, url: string, headers: Record<string, string>, body: FormData): Promise<LightMyRequestResponse> {
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  return app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': request.headers.get('content-type')! }, payload });
}

testEachDatabase('product pictures: uploaded, resized to WebP without metadata, served cached, shown with srcset or a placeholder', async (database) => {
  const { app, config, staffHeaders } = await buildTestApp(database);
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
    const before = (await app.inject('/products/monitor')).body;
    assert.match(before, /src="\/static\/placeholder\.svg"/);
    assert.doesNotMatch(before, /brand\.css/, 'no brand stylesheet until the owner sets a look');

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
    // Kept with the data directory's modes: only the shop's user may read them.
    assert.equal(statSync(join(config.dataDir, 'media', picture.image_id)).mode & 0o777, 0o700);
    assert.equal(statSync(join(config.dataDir, 'media', picture.image_id, '640.webp')).mode & 0o777, 0o600);
    // A file sent as JSON, or to a route that takes none, is refused without a 5xx.
    const asJson = await app.inject({ method: 'POST', url: api, headers: staffHeaders, payload: { alt: 'A monitor', image: { data: 'x' } } });
    assert.equal(asJson.statusCode, 400);
    assert.equal(asJson.json().error.fields[0].field, 'body.image');
    assert.equal((await upload(app, '/account/login', { accept: 'application/json' }, form({ email: 'a@b.example' }, { data: photo, type: 'image/jpeg' }))).statusCode, 413);
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
    const productPage = await owner.get(`/staff/catalogue/products/${monitor.id}`);
    assert.match(productPage.body, new RegExp(`href="${consolePath}"`), 'the product page leads to its pictures');
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

    // The brand: colours refused below 4.5:1, the stylesheet served versioned and linked, the logo in the header.
    const brandPage = await owner.get('/staff/brand');
    assert.equal(brandPage.statusCode, 200);
    const pale = await upload(app, '/staff/brand', headers, form({ _csrf: owner.csrf, primary: '#ffcc00', accent: '#0b5cad', logo_alt: '' }));
    assert.equal(pale.statusCode, 400);
    assert.match(pale.body, /href="#f-primary"/);
    assert.match(pale.body, /too light: white text on it, or it as text on the page, has a contrast of 1\.\d\d:1/);
    const noLogoAlt = await upload(app, '/staff/brand', headers, form({ _csrf: owner.csrf, primary: '#1b5e20', accent: '#6a1b9a', logo_alt: '' }, { data: photo, type: 'image/jpeg', field: 'logo' }));
    assert.equal(noLogoAlt.statusCode, 400);
    assert.match(noLogoAlt.body, /href="#f-logo_alt"/);
    const logo = await sharp({ create: { width: 400, height: 100, channels: 4, background: '#1b5e20' } })
      .png()
      .toBuffer();
    const branded = new FormData();
    for (const [k, v] of Object.entries({ _csrf: owner.csrf, primary: '#1B5E20', accent: '#6a1b9a', logo_alt: 'Green Shop' })) branded.append(k, v);
    branded.append('logo', new Blob([new Uint8Array(logo)], { type: 'image/png' }), 'logo.png');
    const saved = await upload(app, '/staff/brand', headers, branded);
    assert.equal(saved.statusCode, 200, saved.body.slice(0, 500));
    await eventually(async () => /href="\/brand\.css\?v=[0-9a-f]{16}"/.test((await app.inject('/products/monitor')).body));
    const shop = (await app.inject('/products/monitor')).body;
    const cssUrl = /href="(\/brand\.css\?v=[0-9a-f]{16})"/.exec(shop)![1]!;
    assert.match(shop, /<a class="brand" href="\/"><img [^>]*srcset="\/media\/[^"]+" [^>]*alt="Green Shop"/);
    const css = await app.inject(cssUrl);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(css.body, /--accent: #1b5e20; --brand-accent: #6a1b9a;/);
    assert.equal((await app.inject('/brand.css?v=old')).headers['cache-control'], 'no-cache');
    assert.match((await owner.get('/account')).body + (await owner.get('/staff/brand')).body, /brand\.css\?v=/);

    // Support staff do not manage the catalogue.
    const support = await staffClient(app, db, { name: 'Sam Support', email: 'support@shop.example', role: 'support', password });
    assert.equal((await support.get(consolePath)).statusCode, 403);
    assert.equal((await support.get('/staff/brand')).statusCode, 403);
  } finally {
    await app.close();
  }
});

testEachDatabase('the media sweep (a scheduled job) deletes the files of images no product or logo uses once past the grace period, and stray files with no image row', async (database) => {
  const { app, config, staffHeaders } = await buildTestApp(database);
  try {
    const db = database.db;
    const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
    const lamp = await createProduct(db, { slug: 'lamp', name: 'Lamp', vendor_id: vendor.id, kind: 'physical', variants: [{ sku: 'LAMP', name: 'Standard', price_minor: 900 }] }, { currency: 'EUR' });
    const api = `/api/staff/products/${lamp.id}/images`;
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#cc6633' } })
      .jpeg()
      .toBuffer();
    const add = async (alt: string) => {
      const res = await upload(app, api, staffHeaders, form({ alt }, { data: photo, type: 'image/jpeg' }));
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; image_id: string; urls: string[] };
    };
    // Removed long ago, still shown, removed just now; a logo; two strays (no row), one old, one new.
    const removed = await add('Lamp, removed');
    const kept = await add('Lamp, shown');
    const fresh = await add('Lamp, removed today');
    for (const p of [removed, fresh]) assert.equal((await app.inject({ method: 'DELETE', url: `${api}/${p.id}`, headers: staffHeaders })).statusCode, 204);
    const logo = await addImage(db, mediaStorage(config), { data: photo }, 'logo');
    await changeBrand(db, { primary: '#1b5e20', accent: '#6a1b9a', logo: { image: logo, alt: 'Lamp Shop' } });
    const dir = (id: string) => join(config.dataDir, 'media', id);
    const stray = randomUUID();
    const newStray = randomUUID();
    for (const id of [stray, newStray]) {
      mkdirSync(dir(id), { recursive: true });
      writeFileSync(join(dir(id), '320.webp'), 'left over');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    for (const id of [removed.image_id, kept.image_id, logo.id]) await sql`update media_images set created_at = ${twoDaysAgo} where id = ${id}::uuid`.execute(db);
    for (const id of [removed.image_id, kept.image_id, logo.id, stray]) utimesSync(dir(id), twoDaysAgo, twoDaysAgo);

    // The job is declared with its schedule, and runs with the worker's services.
    assert.deepEqual(
      mediaModule.schedules?.map((s) => s.job),
      [MEDIA_SWEEP_JOB],
    );
    const logged: unknown[] = [];
    const log = { info: (o: unknown) => logged.push(o) } as unknown as JobContext['log'];
    const run = () => mediaModule.jobs![MEDIA_SWEEP_JOB]!({}, { db, log, jobId: 1, attempt: 1, services: { config, wiring: app.wiring } });
    await run();
    assert.deepEqual(logged, [{ unused: 1, strays: 1 }]);
    assert.ok(!existsSync(dir(removed.image_id)), 'the removed picture’s files are gone');
    assert.equal((await app.inject(removed.urls[0]!)).statusCode, 404);
    const rows = (await sql<{ id: string }>`select id::text as id from media_images`.execute(db)).rows.map((r) => r.id);
    assert.deepEqual(rows.sort(), [kept.image_id, fresh.image_id, logo.id].sort(), 'its row too; the others stay');
    for (const id of [kept.image_id, logo.id, fresh.image_id, newStray]) assert.ok(existsSync(dir(id)), `${id} is kept (in use, or within the grace period)`);
    assert.ok(!existsSync(dir(stray)), 'an old stray directory is gone');
    assert.equal((await app.inject(kept.urls[0]!)).statusCode, 200);
    // Run again: nothing more to do.
    await run();
    assert.equal(logged.length, 1);
  } finally {
    await app.close();
  }
});
