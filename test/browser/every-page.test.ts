// Every HTML page the app serves, found in its route table, visited in a real Chromium (JavaScript
// off) as the audience it belongs to, at 1280 px and 390 px: axe (WCAG 2.1 AA) finds nothing and
// nothing is wider than the screen. Pages with parameters are reached by following the links of
// the pages already visited, the way a person finds them; a GET route that is neither visited nor
// in the skip list below fails the test, so a new page cannot go unchecked.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { FormClient, signUpAndConfirm, staffClient } from '../../src/accounts/testing.ts';
import { getVendorBySlug } from '../../src/commerce/catalogue/index.ts';
import { createOrder, orderRef, ordersDeps, transitionOrder } from '../../src/commerce/orders/index.ts';
import { pricedCart } from '../../src/commerce/orders/test-support.ts';
import { demoLogins, demoProducts, seedDemoQuotesAndSurveys, seedDemoShop, seedDemoTestimonials } from '../../src/demo/index.ts';
import { mediaStorage } from '../../src/media/index.ts';
import type { Db } from '../../src/platform/db/database.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { testActor } from '../../src/privacy/testing.ts';
import { launchBrowser, problemsAt } from './support.ts';

type Audience = 'visitor' | 'customer' | 'vendor' | 'owner' | 'dpo';

const buyer = { name: 'Philippa Quarrington', email: 'philippa.quarrington@example.com', password: 'correct-horse-77-staple' };
const owner = { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'granite-harbour-18-softly-hums' };
const dpo = { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'amber-lighthouse-27-quietly-sings' };

/** GET routes that answer something other than a page (data, files, probes). */
const NOT_PAGES = [
  /^\/api\//,
  /^\/static\//,
  /^\/media\//,
  /^\/(openapi|privacy\/export-schema|account\/privacy\/export)\.json$/,
  /^\/\.well-known\/gpc\.json$/,
  /^\/privacy\/datamap\.(fides\.yml|json)$/,
  /^\/(healthz|readyz|brand\.css)$/,
  /^\/vendor\/orders\.csv$/,
  /^\/staff\/disclosures\/:id\/document$/,
  /^\/staff\/transfer\/customer-records\.json$/,
  /^\/downloads\//,
];

/**
 * Pages this test does not visit, each with why. Keep it short: a page added here is a page no
 * test checks for accessibility.
 */
const SKIPPED: Record<string, string> = {
  // Reached only through a one-time link from a mail (the token is the page's whole point).
  '/account/confirm': 'one-time token from the sign-up mail',
  '/account/email/confirm': 'one-time token from the change-email mail',
  '/account/reset/confirm': 'one-time token from the reset mail',
  '/staff/password/set': 'one-time token from the staff invitation',
  '/vendor/password/set': 'one-time token from the vendor invitation',
  '/privacy/requests/confirm': 'one-time token from the request confirmation mail',
  '/privacy/your-data': 'one-time token from the request answer mail',
  '/staff/telecom/customers/:subject/statements/:month':
    "CPNI: only an accountant or the privacy officer opens it, not the owner this crawl signs in as; it is the customer's statement page, checked here, with a staff notice",
  '/identity/:token': 'one-time token from the proof-of-identity mail (test/fraud-holds.test.ts)',
  '/mailing-list/confirm': 'one-time token from the mailing-list confirmation mail',
  '/unsubscribe/:token': 'the unsubscribe link of a marketing mail (test/mailing.test.ts opens it)',
  '/testimonials/remove': 'the mailed takedown link a visitor confirms (test/testimonials.test.ts opens it)',
  '/quote/view': 'the requester’s link from the quote mails (test/browser/journeys/quote.ts opens it)',
  '/survey': 'the link of a survey invitation (test/browser/journeys/survey.ts opens it)',
  '/support/t/:token': 'a visitor’s thread link from a support mail (test/browser/journeys/support.ts opens it)',
  '/account/support/:reference': 'needs a support ticket of the customer (test/support.test.ts opens it)',
  '/services/leave/:token': 'the removal link in a mail to a service contact (test/services.test.ts opens it)',
  // Steps of the staff sign-in itself, shown only between password and second factor.
  '/staff/2fa': 'between password and second factor (test/browser/accounts.test.ts)',
  '/staff/2fa/enrol': 'first sign-in only (test/browser/accounts.test.ts)',
  // The way back from the payment processor (test/browser/owner-journey.test.ts checks the page).
  '/checkout/return/:paymentId': 'redirects from the processor',
  '/checkout/done/:orderId': 'after paying on the processor page (owner-journey)',
  // Invoice on account is off unless CHECKOUT_INVOICE_RECIPIENT names a recipient.
  '/staff/credit/:number': 'needs an invoice order (invoice on account off here)',
  // Risk rules are off in a fresh shop, so no order is held for an identity check here (test/fraud-holds.test.ts).
  '/account/orders/:number/identity': 'needs an order held for proof of identity',
  '/staff/dpo/identity/:number': 'needs an order held for proof of identity',
  '/staff/dpo/identity/:number/proof': 'the uploaded document itself, not a page',
  // A fresh shop has no subscription (test/browser/journeys/subscriptions.ts checks these pages).
  '/account/subscriptions/:id': 'needs a subscription (subscriptions journey)',
  '/account/subscriptions/:id/invoices/:invoiceId': 'needs a subscription (subscriptions journey)',
  '/account/subscriptions/:id/cancel': 'needs a subscription (subscriptions journey)',
  '/account/subscriptions/:id/paid': 'redirects from the processor',
};

/** The audience a page belongs to, from its address. */
function audienceOf(path: string): Audience {
  if (/^\/(staff|vendor|account)\/(login|password\/set)$|^\/account\/(signup|reset)$/.test(path)) return 'visitor';
  if (/^\/staff\/(dpo|requests)(\/|$)/.test(path)) return 'dpo';
  if (path.startsWith('/staff')) return 'owner';
  if (path.startsWith('/vendor')) return 'vendor';
  if (path.startsWith('/account')) return 'customer';
  return 'visitor';
}

function patternOf(url: string): RegExp {
  return new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/?#]+')}$`);
}

/** Copies a FormClient's session into a browser context (same host, same cookies). */
async function contextFor(browser: Browser, origin: string, client: FormClient | null): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  if (client) {
    const { hostname } = new URL(origin);
    await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Lax' as const })));
  }
  return context;
}

async function signedIn(app: FastifyInstance, path: string, form: Record<string, string>): Promise<FormClient> {
  const client = new FormClient(app);
  await client.get(path);
  const res = await client.post(path, form);
  assert.equal(res.statusCode, 303, `signing in at ${path}: ${res.body.slice(0, 300)}`);
  return client;
}

/** A paid order of the signed-in customer, as checkout and payment leave it; its first line is of `vendorId`'s product. */
async function paidOrder(app: FastifyInstance, db: Db, email: string, vendorId: string): Promise<void> {
  const actor = testActor('test.checkout');
  const [subject] = await app.privacy.findSubjects(db, { category: 'user.contact.email', value: email, actor, purpose: 'account' });
  assert.ok(subject);
  const id = randomUUID();
  await app.privacy.write(db, { subject, actor, purpose: 'fulfillment', ref: orderRef(id), values: { 'user.name': buyer.name, 'user.contact.address': '4 Larkspur Row, Thistlewick TW9 2LP' } });
  const deps = ordersDeps(app);
  const priced = pricedCart();
  priced.lines[0] = { ...priced.lines[0]!, vendorId };
  await createOrder(deps, db, { id, customerSubject: subject, customerUserId: null, priced, paymentMethod: 'card', fulfilment: 'ship', actor });
  await transitionOrder(deps, db, { orderId: id, to: 'paid', actor });
}

testEachDatabase(
  'browser: every page of every audience, found in the route table, passes axe and fits 1280 px and 390 px',
  async (database) => {
    // The demo shop first, as `npm start` loads it, so the demo sign-ins include its vendor's user.
    const dataDir = mkdtempSync(join(tmpdir(), 'custodian-every-page-'));
    await seedDemoShop(database.db, { media: mediaStorage({ dataDir }) });
    // A policy version that took effect yesterday, so every page carries the site-wide notice of it.
    const datamapDir = mkdtempSync(join(tmpdir(), 'custodian-every-page-map-'));
    cpSync(fileURLToPath(new URL('../../datamap/', import.meta.url)), datamapDir, { recursive: true });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    appendFileSync(
      join(datamapDir, 'policy.yml'),
      `  - version: "2099.1"\n    effective: ${yesterday}\n    summary: Clearer wording of how long we keep invoices and who receives them.\n    material: false\n`,
    );
    const { app } = await buildTestApp(database, { DEMO_DATA: 'true', DATA_DIR: dataDir, DATAMAP_DIR: datamapDir });
    let browser: Browser | undefined;
    try {
      const { db } = database;
      const customer = new FormClient(app);
      await signUpAndConfirm(customer, db, buyer);
      // Of the demo vendor user's vendor, so the vendor portal lists it.
      const demoVendor = await getVendorBySlug(db, demoLogins.vendor.vendorSlug);
      assert.ok(demoVendor);
      await paidOrder(app, db, buyer.email, demoVendor.id);
      // A saved basket and a list, so their pages have something to link to.
      const product = await customer.get(`/products/${demoProducts[0]!.slug}`);
      const variant = /name="variant_id" value="([^"]+)"/.exec(product.body)?.[1];
      assert.ok(variant, 'the product page offers a variant');
      let added = await customer.post('/cart/add', { variant_id: variant, quantity: '1' });
      if (added.statusCode === 200) added = await customer.post('/cart/add', { variant_id: variant, quantity: '1', confirm: '1' });
      await customer.get('/account/baskets');
      assert.equal((await customer.post('/account/baskets', { name: 'Office kit' })).statusCode, 303);
      await customer.get('/account/lists');
      await customer.post('/account/lists', { name: 'Wish list' });
      // A registered monitoring service, so its page and the console's are linked.
      const serviceForm = await customer.get('/account/services/new');
      const service = /<option value="([0-9a-f-]{36})">/.exec(serviceForm.body)?.[1] ?? '';
      const registered = await customer.post('/account/services/new', { product: service, site: 'North plant', address: '1 Main Street', model: 'BMS-48', serial: 'SN-1', sensors: '8' });
      assert.equal(registered.statusCode, 201, `the service is registered: ${registered.body.slice(0, 300)}`);
      // A complaint and a request for the privacy desk.
      const plaintiff = new FormClient(app);
      await plaintiff.get('/privacy/complaint');
      assert.equal((await plaintiff.post('/privacy/complaint', { name: 'Pat Plaintiff', email: 'pat.plaintiff@example.org', text: 'You shared my data.' })).statusCode, 200);
      const ownerClient = await staffClient(app, db, owner);
      const dpoClient = await staffClient(app, db, dpo);
      await dpoClient.get('/staff/requests/new');
      // A correction request, verified, so its item-by-item data page is linked.
      const entered = await dpoClient.post('/staff/requests/new', { kind: 'correction', channel: 'email', email: buyer.email });
      const requestPath = entered.headers.location?.split('?')[0];
      assert.ok(requestPath, `the request is entered: ${entered.body.slice(0, 300)}`);
      await dpoClient.get(requestPath);
      assert.equal((await dpoClient.post(`${requestPath}/evidence`, { evidence: 'signed-letter' })).statusCode, 200);
      // A legal disclosure request (an emergency needs no document), so its page is linked.
      await ownerClient.get('/staff/disclosures/new/emergency/emergency-services');
      const disclosure = await ownerClient.post('/staff/disclosures', {
        basis: 'emergency',
        recipient: 'emergency-services',
        email: buyer.email,
        categories: 'user.contact.phone_number',
        instrument: 'Call at 14:02 from a neighbour',
      });
      assert.equal(disclosure.statusCode, 303, `the disclosure request is recorded: ${disclosure.body.slice(0, 300)}`);
      // A campaign draft, so its page is linked from the mailing console.
      await ownerClient.get('/staff/mailing');
      assert.equal((await ownerClient.post('/staff/mailing', { purpose: 'newsletters', subject: 'Spring news', text: 'New routers soon.' })).statusCode, 303);
      // A quote case and a survey, so their console pages are linked.
      await seedDemoQuotesAndSurveys(db, app.privacy, { publicUrl: 'http://shop.test', currency: 'USD' });
      // Published testimonials and a listed company, so the public pages link their takedown form.
      assert.ok((await seedDemoTestimonials(app.privacy, db)) > 0, 'the demo testimonials are published');
      // A phone line with last month's usage, so the customer's statement is linked (decision 0057).
      await ownerClient.get('/staff/telecom');
      const line = /Line ([0-9a-f-]{36}) is open/.exec((await ownerClient.post('/staff/telecom/lines', { email: buyer.email, sku: 'AG-MOB-5GB', number: '+1 207 555 0133' })).body)?.[1];
      const networkKey = /value="(ctn_[A-Za-z0-9_-]+)"/.exec((await ownerClient.post('/staff/telecom/keys', { label: 'crawl' })).body)?.[1];
      assert.ok(line && networkKey, 'a line is open and a network key made');
      const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 5, 9)).toISOString();
      const usage = await app.inject({
        method: 'POST',
        url: '/api/telecom/usage',
        headers: { authorization: `Bearer ${networkKey}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ records: [{ line, kind: 'call', at: lastMonth, seconds: 125, other: '+12125550190', cell: 'ME-PWM-1' }] }),
      });
      assert.equal(usage.statusCode, 201, usage.body);
      const vendorClient = await signedIn(app, '/vendor/login', { email: demoLogins.vendor.email, password: demoLogins.vendor.password });
      // The data-use terms accepted, so the portal's pages open (the terms page is then checked as it shows once accepted).
      const terms = await vendorClient.get('/vendor/terms');
      assert.equal((await vendorClient.post('/vendor/terms', { version: /name="version" value="(\d+)"/.exec(terms.body)?.[1] ?? '', agree: 'yes' })).statusCode, 303);

      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      const clients: Record<Audience, FormClient | null> = { visitor: null, customer, vendor: vendorClient, owner: ownerClient, dpo: dpoClient };
      const contexts = new Map<Audience, BrowserContext>();

      const routes = app.routeTable.filter((r) => r.method === 'GET' && !NOT_PAGES.some((p) => p.test(r.url)));
      for (const skipped of Object.keys(SKIPPED))
        assert.ok(
          routes.some((r) => r.url === skipped),
          `the skip list names ${skipped}, which is no page any more`,
        );
      const pending = routes.filter((r) => !(r.url in SKIPPED));
      const queue: string[] = pending.filter((r) => !r.url.includes(':')).map((r) => r.url);
      // A customer's console page is linked from the answer to a lookup (a POST), so start from that link.
      await ownerClient.get('/staff/customers');
      const found = await ownerClient.post('/staff/customers', { email: buyer.email, purpose: 'support' });
      const customerPage = /href="(\/staff\/customers\/[^"]+)"/.exec(found.body)?.[1];
      assert.ok(customerPage, `the lookup links to the customer's page: ${found.body.slice(0, 200)}`);
      queue.push(customerPage.replaceAll('&amp;', '&'));
      const visited = new Map<string, string>(); // route → the address that reached it
      const problems: string[] = [];

      while (queue.length) {
        const path = queue.shift()!;
        const route = pending.find((r) => patternOf(r.url).test(path.split('?')[0]!));
        if (!route || visited.has(route.url)) continue;
        visited.set(route.url, path);
        const audience = audienceOf(route.url);
        let context = contexts.get(audience);
        if (!context) {
          context = await contextFor(browser, origin, clients[audience]);
          contexts.set(audience, context);
        }
        const page = await context.newPage();
        const response = await page.goto(`${origin}${path}`);
        const landed = new URL(page.url()).pathname;
        if (!response?.ok()) problems.push(`${path} (as ${audience}) answered ${response?.status()}`);
        else if (landed !== path && audienceOf(landed) === 'visitor' && audience !== 'visitor') problems.push(`${path} (as ${audience}) sent to ${landed}`);
        else {
          for (const problem of await problemsAt(page, [1280, 390])) problems.push(`${path} (as ${audience}) ${problem}`);
          if (!(await page.content()).includes('class="notice site-notice"')) problems.push(`${path} (as ${audience}) has no notice of the policy change`);
          // Links to pages not reached yet, same origin, without query or fragment.
          for (const [, href] of (await page.content()).matchAll(/href="(\/[^"?#]*)/g)) if (href && !visited.has(href)) queue.push(href);
        }
        await page.close();
      }
      for (const context of contexts.values()) await context.close();

      const unreached = pending.filter((r) => !visited.has(r.url)).map((r) => r.url);
      assert.deepEqual(problems, [], `problems on ${visited.size} pages`);
      assert.deepEqual(unreached, [], 'pages no link led to: seed what links to them, or add them to SKIPPED with why');
      console.log(`${visited.size} pages checked at 1280 and 390 px; ${Object.keys(SKIPPED).length} skipped`);
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  // About 90 s: the pages are the same on both engines, so PGlite only.
  { timeout: 400_000, engines: ['pglite'] },
);
