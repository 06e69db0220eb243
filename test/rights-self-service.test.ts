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
import { ada, customerWithHistory, rightsBed, waitForRequest } from './rights-support.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { countSubjectAudit, subjectStatus, testActor } from '../src/privacy/testing.ts';

const dpo = { name: 'Dana Officer', email: 'dana.officer@shop.example', role: 'dpo', password: 'quiet-meadow-82-ember-gate' };

testEachDatabase(
  '[P001-10][P004-18] a customer corrects the address of a shipped order: the new value is kept, the carrier that had the old one is listed and told through the privacy officer',
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
