// [P004-17] In Chromium with JavaScript off: a customer who turned surveys on opens the survey from
// the invitation mail (which, like the page, says answering is optional), answers the rating and
// skips the text question; an owner sees the service report, with the average and no names. Every
// page passes axe and fits a 390 px phone.
import assert from 'node:assert/strict';
import { FormClient, staffClient } from '../../../src/accounts/testing.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';
import { linkInMail, staffInBrowser } from './quote.ts';

export const surveyJourney: Journey = {
  name: 'browser: [P004-17] a customer answers a survey from the invitation link, skipping a question; staff see the report',
  async run(shop) {
    const { browser, origin, app } = shop;
    const db = shop.database.db;
    const who = { name: 'Winifred Ratewell', email: 'winifred.ratewell@example.net', password: 'maple-comet-36-river-stone' };
    const customer = new FormClient(app, '10.0.2.1');
    await customer.get('/account/signup');
    assert.equal((await customer.post('/account/signup', { ...who, age: 'adult' })).statusCode, 200);
    const confirm = await customer.get(await linkInMail(shop, who.email, /./, '/account/confirm'));
    assert.equal((await customer.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(confirm.body)![1]! })).statusCode, 303);
    await customer.get('/account/privacy');
    assert.equal((await customer.post('/account/privacy/choices', { purpose: 'surveys', choice: 'grant' })).statusCode, 200);

    const marketer = await staffClient(app, db, { name: 'Mira Pollster', email: 'mira.pollster@shop.example', role: 'marketing', password: 'saffron-ridge-71-copper-bay' });
    await marketer.get('/staff/surveys');
    const made = await marketer.post('/staff/surveys', { title: 'Our support, rated', intro: 'Two questions about our support.', recipient: '', shared: 'none' });
    assert.equal(made.statusCode, 303, made.body.slice(0, 300));
    const path = made.headers.location as string;
    await marketer.get(path);
    assert.equal((await marketer.post(`${path}/questions`, { kind: 'rating', prompt: 'How helpful was our support?', choices: '', shared: 'no' })).statusCode, 303);
    assert.equal((await marketer.post(`${path}/questions`, { kind: 'text', prompt: 'Anything else?', choices: '', shared: 'no' })).statusCode, 303);
    assert.equal((await marketer.post(`${path}/open`, {})).statusCode, 303);

    const mail = await shop.sink.waitForMail((m) => m.to.some((to) => to.includes(who.email)) && /A short survey/.test(m.subject ?? ''), 30_000);
    assert.match(mail.text ?? '', /Answering is optional/);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}${await linkInMail(shop, who.email, /A short survey/, '/survey')}`);
    assert.match((await page.locator('main').textContent())!, /Answering is optional/);
    await expectAccessible(page, 'the survey');
    await expectFitsPhone(page, 'the survey');
    await page
      .getByRole('group', { name: /How helpful/ })
      .getByLabel('5 (excellent)')
      .check();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForLoadState();
    assert.match((await page.locator('h1').textContent())!, /Thank you/);
    await expectAccessible(page, 'the survey thanks');
    await context.close();

    const owner = await staffInBrowser(shop, browser, { name: 'Owen Reportreader', email: 'owen.reportreader@shop.example', role: 'owner', password: 'thistle-harbor-92-amber-wind' });
    await owner.page.goto(`${origin}/staff/surveys`);
    await expectAccessible(owner.page, 'the surveys');
    await expectFitsPhone(owner.page, 'the surveys');
    await owner.page.getByRole('link', { name: 'Our support, rated' }).click();
    await owner.page.getByRole('link', { name: 'Service report' }).click();
    await owner.page.waitForURL(/\/report$/);
    const report = (await owner.page.locator('main').textContent())!;
    assert.match(report, /Average rating: 5\.0 of 5/);
    assert.match(report, /No text answer/);
    assert.ok(!report.includes('Winifred'), 'no name in the report');
    await expectAccessible(owner.page, 'the survey report');
    await expectFitsPhone(owner.page, 'the survey report');
    await owner.context.close();
  },
};
