// `npm run screenshots`: the main pages of each audience, in the browser the tests use, at 1280 px
// and 390 px, into docs/screenshots/<name>-<width>.png (the first screen of each), on a fresh demo
// shop it starts itself. The README shows them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Audience, contextAs, fillCart, firstLink, launchBrowser, startDemoShop } from './demo-browser.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const WIDTHS = [1280, 390] as const;

const demo = await startDemoShop();
const browser = await launchBrowser();
try {
  const { origin } = demo;
  const visitor = await contextAs(browser, origin, 'visitor');
  const contexts = new Map<Audience, Awaited<ReturnType<typeof contextAs>>>([['visitor', visitor]]);
  for (const audience of ['customer', 'vendor', 'owner', 'dpo'] as const) contexts.set(audience, await contextAs(browser, origin, audience));
  const category = await firstLink(visitor, origin, '/', /^\/categories\/[^/]+$/);
  const product = await firstLink(visitor, origin, category, /^\/products\/[^/]+$/);
  await fillCart(visitor, origin, product);
  const productEdit = await firstLink(contexts.get('owner')!, origin, '/staff/catalogue', /^\/staff\/catalogue\/products\/[0-9a-f-]{36}$/);

  const shots: [string, Audience, string][] = [
    ['storefront-home', 'visitor', '/'],
    ['storefront-category', 'visitor', category],
    ['storefront-product', 'visitor', product],
    ['storefront-cart', 'visitor', '/cart'],
    ['storefront-checkout', 'visitor', '/checkout'],
    ['account', 'customer', '/account'],
    ['account-orders', 'customer', '/account/orders'],
    ['account-privacy-centre', 'customer', '/account/privacy'],
    ['vendor-terms', 'vendor', '/vendor/terms'],
    ['vendor-portal', 'vendor', '/vendor'],
    ['vendor-orders', 'vendor', '/vendor/orders'],
    ['staff-console', 'owner', '/staff'],
    ['staff-catalogue', 'owner', '/staff/catalogue'],
    ['staff-product-edit', 'owner', productEdit],
    ['privacy-desk', 'dpo', '/staff/dpo'],
  ];
  mkdirSync(OUT, { recursive: true });
  for (const [name, audience, path] of shots) {
    const page = await contexts.get(audience)!.newPage();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 800 });
      await page.goto(`${origin}${path}`);
      if (new URL(page.url()).pathname !== path) throw new Error(`${path} as ${audience} went to ${page.url()}`);
      await page.screenshot({ path: join(OUT, `${name}-${width}.png`) });
    }
    // The vendor sees no buyer data until the data-use terms are accepted (P000-09).
    if (name === 'vendor-terms') {
      await page.getByLabel(/I accept version \d+ of these terms/).check();
      await Promise.all([page.waitForURL(/\/vendor\/orders/), page.getByRole('button', { name: 'Accept the terms' }).click()]);
    }
    await page.close();
    console.log(`${name}: ${path}`);
  }
} finally {
  await browser.close();
  await demo.stop();
}
