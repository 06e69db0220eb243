// A real Chromium with JavaScript off: an owner records a court order with its document, the
// privacy officer approves it on the DPO console, and the owner produces the export, which holds
// exactly the approved fields.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { type FormClient, staffClient } from '../../src/accounts/testing.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { testActor } from '../../src/privacy/testing.ts';
import { launchBrowser } from './support.ts';

const owner = { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'granite-harbour-18-softly-hums' };
const dpo = { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'amber-lighthouse-27-quietly-sings' };

/** A browser context signed in as the client (its cookies copied). */
async function contextOf(browser: Browser, origin: string, client: FormClient): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
  const { hostname } = new URL(origin);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Lax' as const })));
  return context;
}

testEachDatabase(
  'browser: staff record a court order with its document, the DPO approves it on the console, staff produce the export',
  async (database) => {
    const { app } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      const { db } = database;
      const system = testActor('test');
      const subject = await app.privacy.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
      await app.privacy.write(db, {
        subject,
        actor: system,
        purpose: 'fulfillment',
        values: { 'user.name': 'Rowena Ledgerfield', 'user.contact.email': 'rowena@example.test', 'user.contact.address': '4 Larch Way' },
      });
      const ownerClient = await staffClient(app, db, owner);
      const dpoClient = await staffClient(app, db, dpo);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();

      const staff = await (await contextOf(browser, origin, ownerClient)).newPage();
      await staff.goto(`${origin}/staff/disclosures`);
      await staff.getByRole('link', { name: 'Record a request' }).click();
      await staff.locator('a[href="/staff/disclosures/new/court-order/courts"]').click();
      await staff.getByLabel('Email address of the person').fill('rowena@example.test');
      await staff.getByLabel('Name', { exact: true }).check();
      await staff.getByLabel('Postal address').check();
      await staff.getByLabel('Reference of the instrument').fill('Superior Court docket CV-2026-0042');
      await staff.getByLabel('Document').setInputFiles({ name: 'order.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nA court order\n%%EOF\n') });
      await staff.getByRole('button', { name: 'Record the request' }).click();
      await staff.getByText('The request is recorded.').waitFor();
      assert.match((await staff.locator('main').textContent()) ?? '', /Awaiting the privacy officer’s approval/);
      const requestUrl = staff.url();

      const officer = await (await contextOf(browser, origin, dpoClient)).newPage();
      await officer.goto(`${origin}/staff/dpo`);
      const row = officer.getByRole('row').filter({ hasText: 'A valid court order or subpoena' });
      assert.equal(await row.getByRole('link', { name: 'Instrument and document' }).count(), 1);
      await row.getByRole('button', { name: 'Approve' }).click();
      await officer.getByText('The disclosure is approved').waitFor();

      await staff.goto(requestUrl);
      assert.match((await staff.locator('main').textContent()) ?? '', /Approved: ready to produce/);
      const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByRole('button', { name: 'Produce the export' }).click()]);
      const produced = JSON.parse(await readFile((await download.path())!, 'utf8')) as { basis: string; fields: Record<string, unknown> };
      assert.equal(produced.basis, 'court-order');
      assert.deepEqual(produced.fields, { 'user.name': 'Rowena Ledgerfield', 'user.contact.address': '4 Larch Way' });
      await staff.goto(requestUrl);
      assert.match((await staff.locator('main').textContent()) ?? '', /Produced and ledgered/);
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 240_000, engines: ['pglite'] },
);
