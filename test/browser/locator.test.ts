// The browser tests run on a machine with no Chromium installed by hand: the locator falls back to
// the binary the @sparticuz/chromium dev dependency ships.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumPath } from './support.ts';

const someFile = fileURLToPath(import.meta.url);
const stub = async () => 'bundled';

test('the browser locator prefers CHROMIUM_PATH, then the system Chromium, then the bundled one', async () => {
  assert.equal(await chromiumPath({ CHROMIUM_PATH: someFile }, ['/nonexistent/chromium'], stub), someFile);
  await assert.rejects(chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' }, [], stub), /CHROMIUM_PATH names no file: \/nonexistent\/chromium/);
  assert.equal(await chromiumPath({}, ['/nonexistent/chromium', someFile], stub), someFile);
  assert.equal(await chromiumPath({}, ['/nonexistent/chromium'], stub), 'bundled');
  assert.equal(await chromiumPath({ CUSTODIAN_TEST_BROWSER: 'bundled', CHROMIUM_PATH: someFile }, [someFile], stub), 'bundled');
});

test('with no CHROMIUM_PATH and no system Chromium, the bundled Chromium launches headless and renders a page', { timeout: 120_000 }, async () => {
  const path = await chromiumPath({}, []);
  const browser = await chromium.launch({ executablePath: path, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.setContent('<main><h1>Custodian</h1></main>');
    assert.equal(await page.textContent('h1'), 'Custodian');
  } finally {
    await browser.close();
  }
});

test('every browser test launches through launchBrowser, so none names a binary of its own', () => {
  const dir = fileURLToPath(new URL('./', import.meta.url));
  const own = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['support.ts', 'locator.test.ts'].includes(f));
  assert.ok(own.length >= 5);
  for (const file of own) {
    const text = readFileSync(join(dir, file), 'utf8');
    assert.doesNotMatch(text, /executablePath|chromium\.launch\(|\/usr\/bin\/chromium/, `${file} launches a browser of its own`);
  }
});
