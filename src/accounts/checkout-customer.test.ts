import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startSmtpSink } from '../comms/testing/smtp-sink.ts';
import { modules } from '../modules.ts';
import type { Db } from '../platform/db/database.ts';
import { collectJobs } from '../platform/jobs/index.ts';
import { testWorker } from '../platform/jobs/testing/support.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { findPersonalData } from '../platform/testing/personal-data.ts';
import { testActor } from '../privacy/testing.ts';
import '../privacy/index.ts';
import { AGE, CREDENTIALS, EMAIL, NAME } from './identity.ts';
import { customer, FormClient, lastLink, queuedMail, signUpAndConfirm } from './testing.ts';

const buyer: { name: string; email: string; age: 'adult' | 'parental-consent'; ip: string } = {
  name: 'Octavia Brennerhoff',
  email: 'octavia.brennerhoff@example.com',
  age: 'adult',
  ip: '198.51.100.7',
};

async function users(db: Db): Promise<{ id: string; subject_id: string; status: string; origin: string }[]> {
  const { rows } = await sql<{
    id: string;
    subject_id: string;
    status: string;
    origin: string;
  }>`select id, subject_id, status, origin from accounts_users where kind = 'customer' order by created_at`.execute(db);
  return rows;
}

testEachDatabase('a guest checkout makes a pending account with name, email and age statement in the kernel; the mailed link sets a password and signs in', async (database, t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url });
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
  try {
    const found = await database.db.transaction().execute((trx) => app.accounts.customerForCheckout(trx, buyer));
    assert.equal(found.created, true);
    const [user] = await users(database.db);
    assert.deepEqual({ id: user!.id, subject: user!.subject_id, status: user!.status, origin: user!.origin }, { id: found.userId, subject: found.subject, status: 'pending', origin: 'checkout' });
    const record = await app.privacy.read(database.db, { subject: found.subject, actor: testActor('test'), purpose: 'account', categories: [NAME, EMAIL, AGE, CREDENTIALS] });
    assert.equal(record.values[NAME], buyer.name);
    assert.equal(record.values[EMAIL], buyer.email);
    assert.deepEqual(record.values[AGE], { statement: 'adult' });
    assert.equal(record.values[CREDENTIALS], undefined, 'nobody has chosen a password yet');
    assert.equal(record.items.find((i) => i.category === AGE)?.policyVersion, '2025.1', 'the age statement carries the policy version in force');
    const [mail] = await queuedMail(database.db, 'accounts.checkout-account');
    assert.equal(mail?.subject_id, found.subject);
    assert.deepEqual(findPersonalData(JSON.stringify((await sql`select * from accounts_users`.execute(database.db)).rows)), [], 'the account row holds no personal data');

    // The mail reaches a real SMTP server, addressed by the kernel at send time.
    await worker.start();
    const delivered = await sink.waitForMail((m) => m.to.includes(buyer.email), 20_000);
    assert.match(delivered.subject, /Your account at/);
    const link = /(https?:\/\/\S+\/account\/reset\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(delivered.text)?.[1];
    assert.ok(link, 'the mail carries the set-password link');

    // Before that, the account cannot be signed in to, with any password.
    const client = new FormClient(app);
    await client.get('/account/login');
    assert.equal((await client.post('/account/login', { email: buyer.email, password: 'anything-at-all-42' })).statusCode, 401);

    const url = new URL(link);
    const page = await client.get(`${url.pathname}${url.search}`);
    assert.equal(page.statusCode, 200);
    const set = await client.post('/account/reset/confirm', { token: url.searchParams.get('token')!, new_password: 'lantern-orchid-58-quarry' });
    assert.equal(set.statusCode, 303);
    assert.equal(set.headers.location, '/account');
    assert.match((await client.get('/account')).body, /Octavia Brennerhoff/);
    assert.equal((await users(database.db))[0]!.status, 'active');
    const again = new FormClient(app);
    await again.get('/account/login');
    assert.equal((await again.post('/account/login', { email: buyer.email, password: 'lantern-orchid-58-quarry' })).statusCode, 303);
  } finally {
    await worker.stop(5000);
    await app.close();
  }
});

testEachDatabase('checkout with the email of an existing account links to it: same answer shape, same work, nothing in the account overwritten', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await signUpAndConfirm(new FormClient(app), database.db);
    const [account] = await users(database.db);
    const statementsOf = async (input: typeof buyer) => {
      const before = (await sql<{ n: number }>`select count(*)::int as n from comms_outbox`.execute(database.db)).rows[0]!.n;
      const result = await database.db.transaction().execute((trx) => app.accounts.customerForCheckout(trx, input));
      const after = (await sql<{ n: number }>`select count(*)::int as n from comms_outbox`.execute(database.db)).rows[0]!.n;
      return { result, mails: after - before };
    };
    const linked = await statementsOf({ ...buyer, name: 'Somebody Else Entirely', email: ` ${customer.email.toUpperCase()} `, age: 'parental-consent' });
    assert.deepEqual(Object.keys(linked.result).sort(), ['created', 'subject', 'userId']);
    assert.deepEqual(linked.result, { subject: account!.subject_id, userId: account!.id, created: false });
    const fresh = await statementsOf(buyer);
    assert.deepEqual(Object.keys(fresh.result).sort(), ['created', 'subject', 'userId'], 'the same shape either way');
    assert.equal(linked.mails, 1, 'the account owner is told, as a new buyer is');
    assert.equal(fresh.mails, 1);
    const [notice] = await queuedMail(database.db, 'accounts.checkout-existing');
    assert.equal(notice?.subject_id, account!.subject_id);

    const record = await app.privacy.read(database.db, { subject: account!.subject_id, actor: testActor('test'), purpose: 'account', categories: [NAME, EMAIL, AGE] });
    assert.equal(record.values[NAME], customer.name, 'the name typed at checkout does not overwrite the account');
    assert.equal(record.values[EMAIL], customer.email);
    assert.deepEqual(record.values[AGE], { statement: 'adult' });
    assert.equal((await users(database.db)).length, 2);

    // A second guest checkout by the new buyer (no password yet) finds the same pending account and re-sends the link.
    const second = await statementsOf(buyer);
    assert.deepEqual(second.result, { ...fresh.result, created: false });
    assert.equal((await queuedMail(database.db, 'accounts.checkout-account')).length, 2);
    assert.equal((await users(database.db)).length, 2);
    // Signing up with that email later sends the set-password link, not a second account.
    const client = new FormClient(app);
    await client.get('/account/signup');
    assert.equal((await client.post('/account/signup', { name: buyer.name, email: buyer.email, password: 'lantern-orchid-58-quarry', age: 'adult' })).statusCode, 200);
    assert.equal((await users(database.db)).length, 2);
    // One live set-password link (decision 0038): each of the three mails carries the same link, so the first still works.
    const links = (await queuedMail(database.db, 'accounts.checkout-account', app.privacy)).map((m) => String(m.params.link));
    assert.equal(links.length, 3);
    assert.equal(new Set(links).size, 1, 'every mail repeats the live link');
    const first = new URL(links[0]!);
    assert.equal((await client.get(`${first.pathname}${first.search}`)).statusCode, 200, 'the first order’s link still works');
    const live = await sql<{ n: number }>`select count(*)::int as n from accounts_tokens t join accounts_users u on u.id = t.user_id
      where u.subject_id = ${fresh.result.subject}::uuid and t.purpose = 'reset-password' and t.used_at is null`.execute(database.db);
    assert.equal(live.rows[0]!.n, 1, 'one live link for the person');
    const owner = new FormClient(app);
    await owner.get(`${first.pathname}${first.search}`);
    assert.equal((await owner.post('/account/reset/confirm', { token: first.searchParams.get('token')!, new_password: 'lantern-orchid-58-quarry' })).statusCode, 303);
    const used = await new FormClient(app).get(`${first.pathname}${first.search}`);
    assert.equal(used.statusCode, 400, 'the link sets no password any more');
    assert.match(used.body, /Your password is already set/);
    assert.doesNotMatch(used.body, /name="new_password"/);
    assert.match(used.body, /href="\/account\/login"/);
    // And "forgot your password" works for it too.
    await client.get('/account/reset');
    await client.post('/account/reset', { email: buyer.email });
    assert.match(await lastLink(database.db, 'accounts.reset-password', app.privacy), /^\/account\/reset\/confirm\?token=/);
  } finally {
    await app.close();
  }
});

testEachDatabase('checkout customer input is checked, naming the field', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const attempt = (input: Partial<typeof buyer>) => database.db.transaction().execute((trx) => app.accounts.customerForCheckout(trx, { ...buyer, ...input } as typeof buyer));
    await assert.rejects(attempt({ email: 'not-an-email' }), (e: { fields: { field: string }[] }) => e.fields[0]!.field === 'body.email');
    await assert.rejects(attempt({ name: '  ' }), (e: { fields: { field: string }[] }) => e.fields[0]!.field === 'body.name');
    await assert.rejects(attempt({ age: 'teen' as 'adult' }), (e: { fields: { field: string }[] }) => e.fields[0]!.field === 'body.age');
    assert.equal((await users(database.db)).length, 0);
  } finally {
    await app.close();
  }
});
