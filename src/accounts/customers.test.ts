import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { findPersonalData } from '../platform/testing/personal-data.ts';
import { testActor } from '../privacy/testing.ts';
import { AGE, CREDENTIALS, EMAIL, NAME } from './identity.ts';
import { customer, FormClient, lastLink, queuedMail, signUpAndConfirm } from './testing.ts';

async function subjectOf(db: import('../platform/db/database.ts').Db): Promise<{ id: string; subject_id: string; status: string }> {
  const { rows } = await sql<{ id: string; subject_id: string; status: string }>`select id, subject_id, status from accounts_users`.execute(db);
  assert.equal(rows.length, 1);
  return rows[0]!;
}

testEachDatabase(
  '[P003-22][P004-20] sign-up: a mailed link confirms the account; name and email are kernel items; the age attestation and every other item record the policy version in force',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const client = new FormClient(app);
      const form = await client.get('/account/signup');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<form method="post" action="\/account\/signup">/);
      const answer = await client.post('/account/signup', { ...customer, age: 'adult' });
      assert.equal(answer.statusCode, 200);
      assert.match(answer.body, /Check your inbox/);
      const pending = await subjectOf(database.db);
      assert.equal(pending.status, 'pending');
      // Not signed in before confirming: the account page sends to sign-in, and signing in says to confirm first.
      assert.equal((await client.get('/account')).headers.location, '/account/login');
      await client.get('/account/login');
      const early = await client.post('/account/login', { email: customer.email, password: customer.password });
      assert.equal(early.statusCode, 403);
      assert.match(early.body, /Confirm your email first/);

      const [mail] = await queuedMail(database.db, 'accounts.confirm-signup');
      assert.equal(mail?.subject_id, pending.subject_id, 'the mail names the recipient by subject id');
      assert.deepEqual(findPersonalData(JSON.stringify(mail)), [], 'the outbox holds no personal data');
      const link = await lastLink(database.db, 'accounts.confirm-signup', app.privacy);
      const confirmPage = await client.get(link);
      assert.equal(confirmPage.statusCode, 200);
      const token = /name="token" value="([^"]+)"/.exec(confirmPage.body)![1]!;
      const confirmed = await client.post('/account/confirm', { token });
      assert.equal(confirmed.statusCode, 303);
      assert.equal(confirmed.headers.location, '/account');
      const account = await client.get('/account');
      assert.equal(account.statusCode, 200);
      assert.match(account.body, /Philippa Quarrington/);
      assert.match(account.body, /philippa\.quarrington@example\.com/);
      assert.match(account.body, /<a href="\/account\/orders">Your orders<\/a>/);
      // The link works once.
      assert.equal((await client.get(link)).statusCode, 400);
      assert.equal((await new FormClient(app).post('/account/confirm', { token })).statusCode, 403, 'a form without its CSRF token is refused');

      const user = await subjectOf(database.db);
      assert.equal(user.status, 'active');
      const record = await app.privacy.read(database.db, { subject: user.subject_id, actor: testActor('test'), purpose: 'account', categories: [NAME, EMAIL, CREDENTIALS, AGE] });
      assert.equal(record.values[NAME], customer.name);
      assert.equal(record.values[EMAIL], customer.email);
      assert.deepEqual(record.values[AGE], { statement: 'adult' });
      const age = record.items.find((i) => i.category === AGE)!;
      assert.equal(age.policyVersion, '2025.1', 'the attestation records the policy version in force');
      const inForce = app.privacy.map.policyVersions.filter((v) => v.effective <= new Date()).at(-1)!.version;
      assert.deepEqual(
        record.items.map((i) => `${i.category} ${i.policyVersion}`).sort(),
        [AGE, CREDENTIALS, EMAIL, NAME].map((category) => `${category} ${inForce}`).sort(),
        'every item collected at sign-up records the policy version in force',
      );
      // Nothing personal in the module's own tables.
      for (const table of ['accounts_users', 'accounts_sessions', 'accounts_tokens', 'accounts_throttle', 'accounts_security_events']) {
        const { rows } = await sql.raw(`select * from ${table}`).execute(database.db);
        assert.deepEqual(findPersonalData(JSON.stringify(rows)), [], table);
      }
    } finally {
      await app.close();
    }
  },
);

testEachDatabase("[P003-22] sign-up needs the age statement (or a parent's consent), naming the field", async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const client = new FormClient(app);
    await client.get('/account/signup');
    const missing = await client.post('/account/signup', { name: customer.name, email: customer.email, password: customer.password });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /<a href="#f-age">Age<\/a>/);
    assert.match(missing.body, /value="Philippa Quarrington"/, 'the form keeps what was typed');
    assert.doesNotMatch(missing.body, /correct-horse/, 'but never the password');
    // Every field the form's schema refuses is named at once, not one per submit.
    const twoWrong = await client.post('/account/signup', { name: '', email: customer.email, password: customer.password, age: 'teen' });
    assert.equal(twoWrong.statusCode, 400);
    for (const field of ['name', 'age']) assert.match(twoWrong.body, new RegExp(`<a href="#f-${field}">[^<]+</a>: [^<]+</li>[\\s\\S]*id="f-${field}-error"`), field);
    await client.post('/account/signup', { ...customer, email: 'young.one@example.com', age: 'parental-consent' });
    const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users`.execute(database.db);
    const record = await app.privacy.read(database.db, { subject: rows[0]!.subject_id, actor: testActor('test'), purpose: 'account', categories: [AGE] });
    assert.deepEqual(record.values[AGE], { statement: 'parental-consent' });
    const weak = await client.post('/account/signup', { ...customer, password: 'Password1!', age: 'adult' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /id="f-password-error">[^<]*too easy to guess/);
    // The handler's own checks (email shape, password strength) are named with the schema's, on the first submit.
    const allAtOnce = await client.post('/account/signup', { name: customer.name, email: 'not-an-address', password: 'Password1!' });
    assert.equal(allAtOnce.statusCode, 400);
    for (const field of ['email', 'password', 'age']) assert.match(allAtOnce.body, new RegExp(`id="f-${field}-error"`), field);
    const api = await client.json('POST', '/api/account/signup', { ...customer, age: 'teen' });
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().error.fields[0].field, 'body.age');
  } finally {
    await app.close();
  }
});

testEachDatabase('[P000-11] password change: old password stops working, other sessions end, hash is Argon2id', async (database) => {
  // The one test on production costs: it asserts them (every other test hashes cheaply, decision 0031).
  const { app } = await buildTestApp(database, {}, { passwordCosts: 'production' });
  try {
    const laptop = new FormClient(app);
    await signUpAndConfirm(laptop, database.db);
    const phone = new FormClient(app);
    await phone.get('/account/login');
    assert.equal((await phone.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 303);
    assert.equal((await phone.get('/account')).statusCode, 200);

    await laptop.get('/account/password');
    const wrong = await laptop.post('/account/password', { current_password: 'not-my-password-at-all', new_password: 'violet-anchor-92-meadow' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /id="f-current_password-error">is not your current password/);
    const wrongAndWeak = await laptop.post('/account/password', { current_password: 'not-my-password-at-all', new_password: 'Password1!' });
    assert.match(wrongAndWeak.body, /id="f-current_password-error">is not your current password/);
    assert.match(wrongAndWeak.body, /id="f-new_password-error">[^<]*too easy to guess/, 'both problems named at once');
    const before = laptop.cookies.get('__Host-session');
    const changed = await laptop.post('/account/password', { current_password: customer.password, new_password: 'violet-anchor-92-meadow' });
    assert.equal(changed.statusCode, 200);
    assert.match(changed.body, /Your password is changed/);
    assert.notEqual(laptop.cookies.get('__Host-session'), before, 'this browser gets a new session token');
    assert.equal((await laptop.get('/account')).statusCode, 200, 'and stays signed in');
    assert.equal((await phone.get('/account')).headers.location, '/account/login', 'the other session ended');

    const fresh = new FormClient(app);
    await fresh.get('/account/login');
    assert.equal((await fresh.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 401, 'the old password stops working');
    assert.equal((await fresh.post('/account/login', { email: customer.email, password: 'violet-anchor-92-meadow' })).statusCode, 303);

    const { subject_id } = await subjectOf(database.db);
    const hash = (await app.privacy.read(database.db, { subject: subject_id, actor: testActor('test'), purpose: 'account', categories: [CREDENTIALS] })).values[CREDENTIALS];
    assert.match(String(hash), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal((await queuedMail(database.db, 'accounts.password-changed')).length, 1, 'the owner is told by mail');
  } finally {
    await app.close();
  }
});

testEachDatabase('[P000-18][P002-10] every cookie is an opaque random id with Secure, HttpOnly, SameSite; none holds personal data', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const client = new FormClient(app);
    await signUpAndConfirm(client, database.db);
    await client.get('/account');
    await client.get('/account/password');
    await client.post('/account/password', { current_password: customer.password, new_password: 'violet-anchor-92-meadow' });
    await client.get('/account');
    await client.post('/account/logout', {});
    await client.get('/account/login');
    await client.post('/account/login', { email: customer.email, password: 'violet-anchor-92-meadow' });
    await client.json('GET', '/api/account');
    await client.json('POST', '/api/account/login', { email: customer.email, password: 'violet-anchor-92-meadow' });

    const { id, subject_id } = await subjectOf(database.db);
    assert.ok(client.setCookies.length >= 5, `cookies were set (${client.setCookies.length})`);
    const values = new Set<string>();
    for (const header of client.setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((p) => p.trim());
      const [name, value = ''] = pair.split('=');
      assert.equal(name, '__Host-session', 'one cookie name only');
      const attrs = attributes.map((a) => a.toLowerCase());
      assert.ok(attrs.includes('secure'), header);
      assert.ok(attrs.includes('httponly'), header);
      assert.ok(attrs.includes('samesite=lax'), header);
      assert.ok(attrs.includes('path=/'), header);
      assert.ok(!attrs.some((a) => a.startsWith('domain=')), header);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header)) continue;
      assert.match(value, /^[A-Za-z0-9_-]{43}$/, 'the value is 32 random bytes, base64url');
      assert.deepEqual(findPersonalData(decodeURIComponent(value)), []);
      assert.ok(!value.includes(id) && !value.includes(subject_id), 'no user or subject id');
      values.add(value);
    }
    assert.ok(values.size >= 4, 'each sign-in got a new value (rotation)');
    const { rows } = await sql<{ token_hash: Buffer }>`select token_hash from accounts_sessions`.execute(database.db);
    for (const value of values) assert.ok(!rows.some((r) => Buffer.from(r.token_hash).toString('base64url') === value), 'the database holds only digests');
  } finally {
    await app.close();
  }
});

testEachDatabase('[P002-17] a session reaches only its own account', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const philippa = new FormClient(app);
    await signUpAndConfirm(philippa, database.db);
    const other = { name: 'Bartholomew Osei', email: 'bart.osei@example.org', password: 'granite-lantern-48-orchid' };
    const bart = new FormClient(app);
    await signUpAndConfirm(bart, database.db, other);

    const p = await philippa.json('GET', '/api/account');
    const b = await bart.json('GET', '/api/account');
    assert.equal(p.json().email, customer.email);
    assert.equal(b.json().email, other.email);
    assert.notEqual(p.json().id, b.json().id);
    assert.doesNotMatch((await philippa.get('/account')).body, /Bartholomew|bart\.osei/);
    assert.doesNotMatch((await bart.get('/account')).body, /Philippa|quarrington/i);

    const anonymous = new FormClient(app);
    assert.equal((await anonymous.json('GET', '/api/account')).statusCode, 401);
    anonymous.cookies.set('__Host-session', 'A'.repeat(43));
    assert.equal((await anonymous.json('GET', '/api/account')).statusCode, 401, 'a guessed token reaches nothing');

    const stolen = philippa.cookies.get('__Host-session')!;
    await philippa.get('/account');
    await philippa.post('/account/logout', {});
    const replay = new FormClient(app);
    replay.cookies.set('__Host-session', stolen);
    assert.equal((await replay.json('GET', '/api/account')).statusCode, 401, 'a signed-out token is dead');
    assert.equal((await bart.json('GET', '/api/account')).statusCode, 200, 'signing out one user leaves the other alone');
  } finally {
    await app.close();
  }
});

testEachDatabase('the account flows write no email, name or password to the logs or cookies', async (database) => {
  const { app, logs } = await buildTestApp(database);
  try {
    const client = new FormClient(app);
    await signUpAndConfirm(client, database.db);
    await client.get('/account');
    await client.get('/account/password');
    await client.post('/account/password', { current_password: 'wrong-password-here', new_password: 'violet-anchor-92-meadow' });
    await client.post('/account/password', { current_password: customer.password, new_password: 'violet-anchor-92-meadow' });
    await client.get('/account/email');
    await client.post('/account/email', { new_email: 'philippa.q@example.org', password: 'violet-anchor-92-meadow' });
    await client.post('/account/logout', {});
    await client.get('/account/login');
    await client.post('/account/login', { email: customer.email, password: customer.password });
    await client.get('/account/reset');
    await client.post('/account/reset', { email: customer.email });
    await client.json('POST', '/api/account/login', { email: customer.email, password: 'violet-anchor-92-meadow' });
    await client.json('POST', '/api/account/signup', { name: customer.name, email: customer.email, password: 'x', age: 'adult' });
    await app.privacy.flush();
    assert.ok(logs.length > 10, 'requests were logged');
    assert.deepEqual(findPersonalData(JSON.stringify(logs)), [], 'the logs hold no name, email or password');
    assert.ok(client.setCookies.every((c) => findPersonalData(c).length === 0));
  } finally {
    await app.close();
  }
});
