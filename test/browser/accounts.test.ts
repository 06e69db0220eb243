// A real Chromium (JavaScript off: every account page must work without it) signs up through the
// form, follows the confirmation link from a real mail (the comms worker delivers it to a real
// SMTP server), signs out and in, changes the password, and is locked out after repeated failures;
// and a new staff member sets a password and a TOTP second factor.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { launchBrowser } from './support.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testWorker } from '../../src/platform/jobs/testing/support.ts';
import { collectJobs } from '../../src/platform/jobs/index.ts';
import { modules } from '../../src/modules.ts';
import { startSmtpSink, type SmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { findPersonalData } from '../../src/platform/testing/personal-data.ts';
import { customer } from '../../src/accounts/testing.ts';
import '../../src/privacy/index.ts';
import { createStaff, stepAt, totpCode } from '../../src/accounts/index.ts';
import { testActor } from '../../src/privacy/testing.ts';

const newPassword = 'violet-anchor-92-meadow';

async function linkFrom(sink: SmtpSink, to: string, path: string): Promise<string> {
  const mail = await sink.waitForMail((m) => m.to.includes(to) && m.text.includes(path), 20_000);
  const match = new RegExp(`https?://[^\\s]+(${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+)`).exec(mail.text);
  assert.ok(match, `the mail holds a ${path} link`);
  return match[1]!;
}

async function signIn(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(`${origin}/account/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
}

async function assertOnlyTheSessionCookie(context: BrowserContext): Promise<void> {
  const cookies = await context.cookies();
  assert.equal(cookies.length, 1, cookies.map((c) => c.name).join(', '));
  const [cookie] = cookies;
  assert.equal(cookie!.name, '__Host-session');
  assert.match(cookie!.value, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(cookie!.secure, true);
  assert.equal(cookie!.httpOnly, true);
  assert.equal(cookie!.sameSite, 'Lax');
  assert.equal(cookie!.path, '/');
  assert.deepEqual(findPersonalData(cookie!.value), []);
}

testEachDatabase(
  'browser: [P000-11][P002-19] sign-up with a mailed link, sign-in, password change and lockout, without JavaScript',
  async (database) => {
    const sink = await startSmtpSink();
    const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url });
    const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
    let browser: Browser | undefined;
    try {
      await worker.start();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();

      // Sign up.
      await page.goto(`${origin}/account/signup`);
      await page.getByLabel('Your name').fill(customer.name);
      await page.getByLabel('Email').fill(customer.email);
      await page.getByLabel('Password').fill(customer.password);
      await page.getByLabel('I am of the age of majority where I live.').check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Check your inbox');

      // Follow the link in the real mail.
      const confirm = await linkFrom(sink, customer.email, '/account/confirm');
      await page.goto(`${origin}${confirm}`);
      await page.getByRole('button', { name: 'Confirm and sign in' }).click();
      await page.waitForURL(`${origin}/account`);
      assert.equal(await page.locator('h1').textContent(), 'Your account');
      assert.match((await page.locator('dl.profile').textContent()) ?? '', /Philippa Quarrington[\s\S]*philippa\.quarrington@example\.com/);
      await assertOnlyTheSessionCookie(context);

      // Sign out, and in again.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${origin}/`);
      await page.goto(`${origin}/account`);
      assert.equal(new URL(page.url()).pathname, '/account/login', 'signed out: the account page asks to sign in');
      await signIn(page, origin, customer.email, customer.password);
      assert.equal(new URL(page.url()).pathname, '/account');

      // Change the password; a second browser signed in before is signed out.
      const other = await browser.newContext({ javaScriptEnabled: false });
      const otherPage = await other.newPage();
      await signIn(otherPage, origin, customer.email, customer.password);
      assert.equal(new URL(otherPage.url()).pathname, '/account');
      await page.getByRole('link', { name: 'Change your password' }).click();
      await page.getByLabel('Current password').fill(customer.password);
      await page.getByLabel('New password').fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForLoadState();
      assert.match((await page.getByRole('status').textContent()) ?? '', /Your password is changed/);
      await otherPage.goto(`${origin}/account`);
      assert.equal(new URL(otherPage.url()).pathname, '/account/login', 'the other browser was signed out');
      await signIn(otherPage, origin, customer.email, customer.password);
      assert.match((await otherPage.getByRole('alert').textContent()) ?? '', /The email or password is not right/, 'the old password stops working');
      assert.equal(await otherPage.getByLabel('Email').inputValue(), customer.email, 'the form keeps the email');
      await signIn(otherPage, origin, customer.email, newPassword);
      assert.equal(new URL(otherPage.url()).pathname, '/account');
      await other.close();
      await sink.waitForMail((m) => m.to.includes(customer.email) && /Your password at .* was changed/.test(m.subject), 20_000);

      // Lockout: five wrong passwords, then even the right one is refused for a while.
      const attacker = await browser.newContext({ javaScriptEnabled: false });
      const attackerPage = await attacker.newPage();
      for (let i = 0; i < 4; i++) {
        await signIn(attackerPage, origin, customer.email, `guess-number-${i}-xyz`);
        assert.match((await attackerPage.getByRole('alert').textContent()) ?? '', /The email or password is not right/);
      }
      await signIn(attackerPage, origin, customer.email, 'guess-number-4-xyz');
      assert.match((await attackerPage.getByRole('alert').textContent()) ?? '', /Too many failed sign-ins/);
      await signIn(attackerPage, origin, customer.email, newPassword);
      assert.match((await attackerPage.getByRole('alert').textContent()) ?? '', /Too many failed sign-ins/, 'locked: the right password is refused too');
      assert.equal(new URL(attackerPage.url()).pathname, '/account/login');
      await attacker.close();
      await context.close();
    } finally {
      await browser?.close();
      await app.close();
      await worker.stop(5000);
      await sink.stop();
    }
  },
  { timeout: 240_000 },
);

testEachDatabase(
  'browser: [P002-20] a new staff member chooses a password from the invitation, sets up TOTP, sees recovery codes, and signs in again with a recovery code',
  async (database) => {
    const { app } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      const { link } = await database.db
        .transaction()
        .execute((trx) => createStaff(app.accounts.deps, trx, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', actor: testActor('test') }));
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      const url = new URL(link);
      await page.goto(`${origin}${url.pathname}${url.search}`);
      await page.getByLabel('New password').fill('amber-lighthouse-27-quietly-sings');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.waitForURL(`${origin}/staff/2fa/enrol`);
      const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      await page.getByLabel('The six-digit code the app shows').fill(totpCode(secret, stepAt(new Date())));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Your recovery codes');
      const codes = await page.locator('.recovery-codes code').allTextContents();
      assert.equal(codes.length, 10);
      await page.getByRole('link', { name: 'Continue to the console' }).click();
      await page.waitForURL(`${origin}/staff`);
      assert.match((await page.locator('main').textContent())!, /role support/);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${origin}/staff/login`);

      await page.getByLabel('Email').fill('sam@shop.example');
      await page.getByLabel('Password').fill('amber-lighthouse-27-quietly-sings');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/staff/2fa`);
      await page.getByLabel('Code').fill(codes[0]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${origin}/staff`);
      assert.equal(await page.locator('h1').textContent(), 'Staff console');
      await assertOnlyTheSessionCookie(context);
      await context.close();
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 180_000 },
);
