import assert from 'node:assert/strict';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { customer, FormClient, lastLink, queuedMail, signUpAndConfirm } from './testing.ts';

const tokenIn = (body: string) => /name="token" value="([^"]+)"/.exec(body)?.[1] ?? '';

testEachDatabase('[P000-11] forgotten password: a mailed single-use link sets a new password and ends every session; unknown emails get the same answer', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const old = new FormClient(app);
    await signUpAndConfirm(old, database.db);
    const client = new FormClient(app);
    await client.get('/account/reset');
    const known = await client.post('/account/reset', { email: 'Philippa.Quarrington@Example.com ' });
    const unknown = await client.post('/account/reset', { email: 'nobody.here@example.net' });
    assert.equal(known.statusCode, 200);
    assert.equal(unknown.body.replace(/name="_csrf" value="[^"]*"/, ''), known.body.replace(/name="_csrf" value="[^"]*"/, ''));
    const mails = await queuedMail(database.db, 'accounts.reset-password');
    assert.equal(mails.length, 1, 'only the existing account got a link');

    const link = await lastLink(database.db, 'accounts.reset-password', app.privacy);
    const form = await client.get(link);
    assert.equal(form.statusCode, 200);
    const token = tokenIn(form.body);
    const weak = await client.post('/account/reset/confirm', { token, new_password: 'short' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /id="f-new_password-error">must be at least 10 characters/);
    const done = await client.post('/account/reset/confirm', { token, new_password: 'saffron-kettle-63-harbour' });
    assert.equal(done.statusCode, 303, 'a refused password does not use up the link');
    assert.equal((await client.get('/account')).statusCode, 200, 'signed in with the new password');
    assert.equal((await old.get('/account')).headers.location, '/account/login', 'every other session ended');
    assert.equal((await client.get(link)).statusCode, 400, 'the link works once');
    assert.equal((await client.post('/account/reset/confirm', { token, new_password: 'another-fine-77-password' })).statusCode, 400);

    const login = new FormClient(app);
    await login.get('/account/login');
    assert.equal((await login.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 401);
    assert.equal((await login.post('/account/login', { email: customer.email, password: 'saffron-kettle-63-harbour' })).statusCode, 303);
  } finally {
    await app.close();
  }
});

testEachDatabase('[P000-11] login email change: confirmation to the new address, notice to the old; then only the new address signs in', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const client = new FormClient(app);
    await signUpAndConfirm(client, database.db);
    await client.get('/account/email');
    const wrong = await client.post('/account/email', { new_email: 'pq@example.org', password: 'not-my-password-1' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /id="f-password-error">is not your current password/);
    const asked = await client.post('/account/email', { new_email: 'pq@example.org', password: customer.password });
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /Check your inbox/);
    const [confirmation] = await queuedMail(database.db, 'accounts.confirm-email-change');
    const [notice] = await queuedMail(database.db, 'accounts.email-change-notice');
    assert.equal(confirmation?.address_ref, 'pending', 'the confirmation goes to the new address');
    assert.equal(notice?.address_ref, '', 'the notice goes to the current address');
    assert.equal(confirmation.subject_id, notice.subject_id);

    // Until confirmed, the old address still signs in and the new one does not.
    const other = new FormClient(app, '192.0.2.9');
    await other.get('/account/login');
    assert.equal((await other.post('/account/login', { email: 'pq@example.org', password: customer.password })).statusCode, 401);

    const page = await client.get(await lastLink(database.db, 'accounts.confirm-email-change', app.privacy));
    const done = await client.post('/account/email/confirm', { token: tokenIn(page.body) });
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Your sign-in email is changed/);
    assert.match(done.body, /pq@example\.org/);
    assert.equal((await other.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 401, 'the old address no longer signs in');
    assert.equal((await other.post('/account/login', { email: 'pq@example.org', password: customer.password })).statusCode, 303);

    // Moving to an address that has its own account: the same answer, and that address is told instead.
    const bart = new FormClient(app, '192.0.2.10');
    await signUpAndConfirm(bart, database.db, { name: 'Bartholomew Osei', email: 'bart.osei@example.org', password: 'granite-lantern-48-orchid' });
    await bart.get('/account/email');
    const taken = await bart.post('/account/email', { new_email: 'PQ@example.org', password: 'granite-lantern-48-orchid' });
    assert.equal(taken.statusCode, 200);
    assert.match(taken.body, /Check your inbox/);
    assert.equal((await queuedMail(database.db, 'accounts.email-in-use')).length, 1);
    assert.equal((await queuedMail(database.db, 'accounts.confirm-email-change')).length, 1, 'no confirmation link for a taken address');
  } finally {
    await app.close();
  }
});

testEachDatabase('every form post needs its CSRF token; JSON from another origin is refused', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const client = new FormClient(app);
    await client.get('/account/login');
    const good = client.csrf;
    client.csrf = '';
    const none = await client.post('/account/login', { email: customer.email, password: customer.password });
    assert.equal(none.statusCode, 403);
    assert.match(none.body, /This form has expired/);
    client.csrf = `${good.slice(0, -2)}AA`;
    assert.equal((await client.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 403);
    // A token made for another browser's cookie does not fit this one.
    const other = new FormClient(app);
    await other.get('/account/login');
    client.csrf = other.csrf;
    assert.equal((await client.post('/account/signup', { ...customer, age: 'adult' })).statusCode, 403);
    client.csrf = good;
    assert.equal((await client.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 401, 'with its token the form is heard');

    const cross = await app.inject({
      method: 'POST',
      url: '/api/account/login',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      payload: { email: customer.email, password: 'x' },
    });
    assert.equal(cross.statusCode, 403);
    assert.equal(cross.json().error.code, 'CSRF_INVALID');
    const plain = await app.inject({ method: 'POST', url: '/api/account/login', headers: { 'content-type': 'text/plain' }, payload: 'x' });
    assert.equal(plain.statusCode, 403, 'a text/plain post (what a cross-site form can send) needs a token');
  } finally {
    await app.close();
  }
});
