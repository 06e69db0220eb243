// Correction and deactivation in the privacy centre (P001-10, P004-18), and deletion with mail
// written to the spool: a customer corrects the address of a shipped order (the carrier that had the
// old one is listed and gets a ledgered notice the privacy officer passes on); deactivates and comes
// back; and with no SMTP server, the spooled mail that held their address goes with their deletion.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { staffClient } from '../src/accounts/testing.ts';
import { selfActor, staffActor, systemActor } from '../src/privacy/index.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { waitFor } from '../src/platform/jobs/testing/support.ts';
import { ada, customerWithHistory, customerWithCompany, rightsBed, waitForRequest } from './rights-support.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { countSubjectAudit, subjectStatus, testActor } from '../src/privacy/testing.ts';

const dpo = { name: 'Dana Officer', email: 'dana.officer@shop.example', role: 'dpo', password: 'quiet-meadow-82-ember-gate' };

testEachDatabase(
  '[P001-10][P003-25][P004-18] a customer corrects the address of a shipped order: the new value is kept, the carrier that had the old one is listed and told through the privacy officer',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    const mine = await customerWithHistory(bed, ada);
    const address = (
      await bed.app.privacy.read(db, { subject: mine.subject, actor: selfActor(mine.subject), purpose: 'data-rights', categories: ['user.contact.address'], ref: `order:${mine.paid.id}` })
    ).items[0]!;

    const centre = await mine.client.get('/account/privacy');
    assert.ok(centre.body.includes(`/account/privacy/items/${address.id}`), 'the address has a Correct link');
    const form = await mine.client.get(`/account/privacy/items/${address.id}`);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(ada.street));
    const bad = await mine.client.post(`/account/privacy/items/${address.id}`, { line1: '', line2: '', postal_code: '11201', city: 'Brooklyn', country: 'USA' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /line1/);
    assert.match(bad.body, /two-letter country code/);
    const done = await mine.client.post(`/account/privacy/items/${address.id}`, { line1: '14 Analytical Row', line2: 'Apt 2', postal_code: '11201', city: 'Brooklyn', country: 'us' });
    assert.equal(done.statusCode, 200, done.body.slice(0, 300));
    assert.match(done.body, /Shipping carriers/);

    const after = (
      await bed.app.privacy.read(db, { subject: mine.subject, actor: selfActor(mine.subject), purpose: 'data-rights', categories: ['user.contact.address'], ref: `order:${mine.paid.id}` })
    ).items[0]!;
    assert.deepEqual(after.value, { line1: '14 Analytical Row', line2: 'Apt 2', postal_code: '11201', city: 'Brooklyn', country: 'US' });
    assert.equal(after.purpose, 'fulfillment', 'the item keeps the purpose it was collected for');
    assert.equal(after.collectedAt.getTime(), address.collectedAt.getTime());
    const audit = await countSubjectAudit(db, { subject: mine.subject, action: 'data.correct' });
    assert.equal(audit, 1, 'the correction is audited');
    // Another customer's item is not theirs to correct.
    const stranger = newClient(bed.app);
    assert.equal((await stranger.get(`/account/privacy/items/${address.id}`)).statusCode, 303);

    // The privacy officer sees the notice for the carrier, for that order, and records passing it on.
    const officer = await staffClient(bed.app, db, dpo);
    const notices = await officer.get('/staff/dpo/notices');
    assert.equal(notices.statusCode, 200);
    assert.ok(notices.body.includes(mine.paid.number) && notices.body.includes('correct: Postal, shipping or billing address'), notices.body.slice(-2000));
    const id = /action="\/staff\/dpo\/notices\/([0-9a-f-]{36})"/.exec(notices.body)![1]!;
    const passed = await officer.post(`/staff/dpo/notices/${id}`, { channel: 'email' });
    assert.equal(passed.statusCode, 303);
    const noticesAfter = (await officer.get('/staff/dpo/notices')).body;
    assert.match(noticesAfter, /Recorded as passed on\./);
    assert.match(noticesAfter, /Every notice has been passed on/);
    const centreAfter = await mine.client.get('/account/privacy');
    assert.ok(centreAfter.body.includes('14 Analytical Row'));
    assert.match(centreAfter.body, /A correction: Postal, shipping or billing address/);
  },
);

/** The rows of the centre's "Your data" table: each row's text and the links of its last cell. */
function itemRows(body: string): { text: string; links: { href: string; text: string }[] }[] {
  const start = body.indexOf('Every item, decrypted for you');
  const table = body.slice(start, body.indexOf('</table>', start));
  return table
    .split('<tr')
    .slice(2)
    .map((row) => {
      const cells = row.split(/<t[dh][ >]/);
      const last = cells.at(-1) ?? '';
      return {
        text: row
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
        links: [...last.matchAll(/<a href="([^"]+)">([^<]*)</g)].map((m) => ({ href: m[1]!, text: m[2]! })),
      };
    });
}

testEachDatabase(
  '[P001-10][P003-25] a customer corrects their name, a phone, a company name and an order’s email in the privacy centre: the new values are shown and audited, and every item listed has a way to correct or change it',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    const { mine, read } = await customerWithCompany(bed, ada);
    const name = await read('user.name', '');
    const phone = await read('user.contact.phone_number', `order:${mine.paid.id}`);
    const company = await read('user.contact.organization', `order:${mine.paid.id}:billing`);
    const orderEmail = await read('user.contact.email', `order:${mine.paid.id}`);
    const accountEmail = await read('user.contact.email', '');

    // Every item listed has a Correct, Change or Ask-us-to-correct link, and each link leads somewhere.
    const centre = await mine.client.get('/account/privacy');
    const rows = itemRows(centre.body);
    assert.ok(rows.length >= 15, `${rows.length} items listed`);
    for (const row of rows) {
      assert.equal(row.links.length, 1, `a way to correct: ${row.text}`);
      assert.match(row.links[0]!.text, /^(Correct|Change|Ask us to correct)$/, row.text);
      if (!row.links[0]!.href.startsWith('#')) assert.equal((await mine.client.get(row.links[0]!.href.split('#')[0]!)).statusCode, 200, row.links[0]!.href);
    }
    const linkOf = (id: string) => rows.find((r) => r.links[0]?.href === `/account/privacy/items/${id}`);
    for (const item of [name, phone, company, orderEmail]) assert.equal(linkOf(item.id)?.links[0]?.text, 'Correct', item.category);
    assert.equal(linkOf(accountEmail.id), undefined, 'the sign-in email is not corrected here');
    assert.ok(
      rows.some((r) => r.links[0]?.href === '/account/email' && r.text.includes(ada.email) && r.text.includes('Your account')),
      'the sign-in email has a Change link to the email change',
    );
    assert.ok(
      rows.some((r) => r.links[0]?.href === '/account/baskets'),
      'the saved basket is changed where it is kept',
    );
    assert.ok(
      rows.some((r) => r.links[0]?.href === '/privacy/contact#correct' && /tracking/.test(r.text)),
      'what was bought is corrected on request',
    );
    assert.equal((await mine.client.get(`/account/privacy/items/${accountEmail.id}`)).statusCode, 404, 'no form for the sign-in email');

    // The real forms, with the CSRF token of the page: a bad value is refused naming the field, nothing written.
    const corrections: [typeof name, Record<string, string>, string][] = [
      [name, { name: 'Ada King' }, 'Ada King'],
      [phone, { phone: '+1 212 555 0199' }, '+1 212 555 0199'],
      [company, { organization: 'Difference Engines Inc.' }, 'Difference Engines Inc.'],
      [orderEmail, { email: 'ada.king@example.com' }, 'ada.king@example.com'],
    ];
    const bad: Record<string, Record<string, string>> = { [name.id]: { name: '' }, [phone.id]: { phone: 'call me' }, [company.id]: { organization: '' }, [orderEmail.id]: { email: 'not-an-email' } };
    for (const [item, body, shown] of corrections) {
      const form = await mine.client.get(`/account/privacy/items/${item.id}`);
      assert.equal(form.statusCode, 200, item.category);
      assert.ok(form.body.includes(String(item.value)), 'the form shows the value it corrects');
      const forged = await mine.client.post(`/account/privacy/items/${item.id}`, { ...body, _csrf: 'forged' });
      assert.equal(forged.statusCode, 403, 'a post without the page’s CSRF token is refused');
      const refused = await mine.client.post(`/account/privacy/items/${item.id}`, bad[item.id]!);
      assert.equal(refused.statusCode, 400, item.category);
      assert.match(refused.body, new RegExp(`id="f-${Object.keys(body)[0]}-error"`));
      assert.deepEqual((await read(item.category, item.ref)).value, item.value, 'a refused correction writes nothing');
      await mine.client.get(`/account/privacy/items/${item.id}`);
      const done = await mine.client.post(`/account/privacy/items/${item.id}`, body);
      assert.equal(done.statusCode, 200, done.body.slice(0, 300));
      assert.match(done.body, /is corrected/);
      assert.equal((await read(item.category, item.ref)).value, shown);
    }
    assert.equal(await countSubjectAudit(db, { subject: mine.subject, action: 'data.correct' }), 4, 'each correction is audited');
    const { rows: requests } = await sql<{ kind: string; status: string }>`select kind, status from rights_requests where subject_id = ${mine.subject}::uuid`.execute(db);
    assert.deepEqual(
      requests.map((r) => `${r.kind}:${r.status}`),
      Array(4).fill('correction:completed'),
      'each is a completed request',
    );
    // Staff looking the person up by the order's email find them under the corrected address only.
    const found = async (email: string) =>
      (await bed.app.privacy.findSubjects(db, { category: 'user.contact.email', value: email, actor: testActor('test'), purpose: 'account' })).includes(mine.subject);
    assert.equal(await found('ada.king@example.com'), true, 'the blind index follows the corrected email');
    assert.equal(await found(ada.email), true, 'the sign-in email still finds them');

    const after = itemRows((await mine.client.get('/account/privacy')).body);
    for (const [item, , shown] of corrections) {
      const row = after.find((r) => r.links[0]?.href === `/account/privacy/items/${item.id}`);
      assert.ok(row?.text.includes(shown), `the centre shows ${shown} for ${item.category}: ${row?.text}`);
      assert.ok(!row!.text.includes(String(item.value)), 'and no longer the old value');
    }
    assert.ok(
      after.some((r) => r.links[0]?.href === '/account/email' && r.text.includes(ada.email)),
      'the sign-in email is unchanged',
    );
  },
);

testEachDatabase('[P004-18] a customer deactivates their account: signed out, not used, cannot sign in until they reactivate it with their password', async (database, t) => {
  const bed = await rightsBed(database);
  t.after(() => bed.stopAll());
  const db = database.db;
  const mine = await customerWithHistory(bed, ada);
  await mine.client.get('/account/privacy/deactivate');
  assert.equal((await mine.client.post('/account/privacy/deactivate', { password: 'wrong-password-here' })).statusCode, 400);
  const done = await mine.client.post('/account/privacy/deactivate', { password: ada.password });
  assert.equal(done.statusCode, 200, done.body.slice(0, 300));
  assert.match(done.body, /deactivated/);
  assert.equal((await bed.app.inject({ method: 'GET', url: '/account', headers: { cookie: `__Host-session=${mine.sessionCookie}` } })).statusCode, 303, 'the session ended');
  assert.equal(await subjectStatus(db, mine.subject), 'restricted', 'the kernel allows no communication or new use');
  // A purpose that contacts people is refused by the kernel while deactivated.
  await assert.rejects(
    bed.app.privacy.read(db, { subject: mine.subject, actor: systemActor('comms.send'), purpose: 'offers', categories: ['user.contact.email'] }),
    (err: Error & { reason?: string }) => err.reason === 'opted-out',
  );

  const login = newClient(bed.app);
  await login.get('/account/login');
  const refused = await login.post('/account/login', { email: ada.email, password: ada.password });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /deactivated/);
  await login.get('/account/reactivate');
  assert.equal((await login.post('/account/reactivate', { email: ada.email, password: 'not-it-at-all' })).statusCode, 401);
  const back = await login.post('/account/reactivate', { email: ada.email, password: ada.password });
  assert.equal(back.statusCode, 303);
  assert.equal(back.headers.location, '/account/privacy');
  assert.equal((await login.get('/account/privacy')).statusCode, 200, 'signed in again');
  assert.equal(await subjectStatus(db, mine.subject), 'active');
  const requests = (await sql<{ kind: string; status: string }>`select kind, status from rights_requests where subject_id = ${mine.subject}::uuid`.execute(db)).rows;
  assert.deepEqual(requests, [{ kind: 'deactivation', status: 'completed' }]);
});

testEachDatabase('[P000-12] with mail written to the spool, deleting an account also deletes every spooled mail that held the address', async (database, t) => {
  const bed = await rightsBed(database, { spool: true });
  t.after(() => bed.stopAll());
  const mine = await customerWithHistory(bed, ada);
  const spool = join(bed.config.dataDir, 'mail');
  const holding = () => readdirSync(spool).filter((f) => readFileSync(join(spool, f), 'utf8').includes(ada.email));
  await waitFor('sign-up, order and status mail spooled with the address', async () => holding().length >= 3, 20_000);
  await mine.client.get('/account/privacy/delete');
  const done = await mine.client.post('/account/privacy/delete', { password: ada.password });
  assert.equal(done.statusCode, 200);
  await waitForRequest(database.db, 'completed');
  assert.deepEqual(holding(), []);
  assert.ok(readdirSync(spool).length === 0 || readdirSync(spool).every((f) => !readFileSync(join(spool, f), 'utf8').includes(ada.name)));
});

testEachDatabase('the privacy officer’s notices page in the kernel’s query: page 2 shows the notices after the first 50, oldest first', async (database, t) => {
  const bed = await rightsBed(database);
  t.after(() => bed.stopAll());
  const db = database.db;
  const mine = await customerWithHistory(bed, ada);
  // Recording twice records twice: 54 rounds of notices to whoever received the address.
  for (let i = 0; i < 54; i++) await bed.app.privacy.recordNotices(db, { subject: mine.subject, kind: 'correction', categories: ['user.contact.address'], actor: testActor('test') });
  const all = await bed.app.privacy.pendingNotices(db, { actor: staffActor('00000000-0000-4000-8000-00000000d0d0', 'dpo'), limit: 1000 });
  assert.ok(all.total >= 54 && all.items.length === all.total, `${all.total} notices`);
  const ids = all.items.map((n) => n.id);
  const officer = await staffClient(bed.app, db, dpo);
  const shown = (body: string) => [...body.matchAll(/action="\/staff\/dpo\/notices\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
  const first = await officer.get('/staff/dpo/notices');
  assert.equal(first.statusCode, 200);
  assert.deepEqual(shown(first.body), ids.slice(0, 50));
  assert.match(first.body, /<a rel="next" href="\/staff\/dpo\/notices\?page=2">/);
  assert.deepEqual(shown((await officer.get('/staff/dpo/notices?page=2')).body), ids.slice(50, 100));
  assert.deepEqual(shown((await officer.get('/staff/dpo/notices?page=99')).body), ids.slice(50 * (Math.ceil(ids.length / 50) - 1)), 'a page past the end shows the last');
  // Asking one notice again finds it by id (not in the first page read).
  assert.equal((await bed.app.privacy.pendingNotices(db, { actor: staffActor('00000000-0000-4000-8000-00000000d0d0', 'dpo'), id: ids.at(-1)! })).items[0]?.id, ids.at(-1));
});
