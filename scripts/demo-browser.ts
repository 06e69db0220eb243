// What the screenshot and Lighthouse scripts share: the demo shop as `npm start` makes it (PGlite in
// a fresh temp folder, demo data and demo sign-ins, production settings), the test browser, and a
// signed-in browser context per audience (staff set up their second factor as at a first sign-in).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { stepAt, totpCode } from '../src/accounts/index.ts';
import { demoLogins } from '../src/demo/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { startShop, type RunningShop } from '../src/server.ts';
import { chromiumPath, launchBrowser } from '../test/browser/support.ts';

export { chromiumPath, launchBrowser };

export interface DemoShop {
  shop: RunningShop;
  origin: string;
  stop(): Promise<void>;
}

export async function startDemoShop(): Promise<DemoShop> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-demo-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SANDBOX_PROCESSOR_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' });
  const shop = await startShop(config, createLogger('silent'));
  const origin = shop.url.replace('localhost', '127.0.0.1');
  return {
    shop,
    origin,
    async stop() {
      await shop.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Audience = 'visitor' | 'customer' | 'vendor' | 'owner' | 'dpo';

async function fill(page: Page, origin: string, path: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${origin}${path}`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
}

/** A JavaScript-off context signed in as `audience` (a visitor: signed out); once per audience and run. */
export async function contextAs(browser: Browser, origin: string, audience: Audience): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  if (audience === 'customer') await fill(page, origin, '/account/login', demoLogins.customer);
  if (audience === 'vendor') await fill(page, origin, '/vendor/login', demoLogins.vendor);
  if (audience === 'owner' || audience === 'dpo') {
    await fill(page, origin, '/staff/login', demoLogins[audience]);
    // The demo staff set up their second factor at their first sign-in: sign each in once per run.
    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    await page.getByLabel('The six-digit code the app shows').fill(totpCode(secret, stepAt(new Date())));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('link', { name: 'Continue to the console' }).click();
    await page.waitForURL(`${origin}/staff`);
  }
  await page.close();
  return context;
}

/** The first same-origin link on `path` whose address matches `pattern`. */
export async function firstLink(context: BrowserContext, origin: string, path: string, pattern: RegExp): Promise<string> {
  const page = await context.newPage();
  await page.goto(`${origin}${path}`);
  const href = [...(await page.content()).matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1]!).find((h) => pattern.test(h));
  await page.close();
  if (!href) throw new Error(`no link matching ${pattern} on ${path}`);
  return href;
}

/** Puts the first product on sale into the context's cart (confirming the cart's cookie). */
export async function fillCart(context: BrowserContext, origin: string, productPath: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${origin}${productPath}`);
  await page
    .getByRole('button', { name: /to cart/ })
    .first()
    .click();
  await page.waitForLoadState();
  if (new URL(page.url()).pathname !== '/cart') await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.close();
}
