import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { currentParams, verifyCounter } from './passwords.ts';
import { recentSecurityEvents } from './security-events.ts';
import { findPersonalData } from '../platform/testing/personal-data.ts';
import { customer, FormClient, queuedMail, signUpAndConfirm, staffClient } from './testing.ts';

const unknown = 'nobody.here@example.net';
// The answer without what differs by design: the CSRF token and the email echoed back into the form.
const withoutToken = (body: string) => body.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""').replace(/name="email" ([^>]*)value="[^"]*"/g, 'name="email" $1value=""');

async function attempts(client: FormClient, email: string, passwords: string[]): Promise<{ status: number; body: string }[]> {
  const out: { status: number; body: string }[] = [];
  await client.get('/account/login');
  for (const password of passwords) {
    const res = await client.post('/account/login', { email, password });
    out.push({ status: res.statusCode, body: withoutToken(res.body) });
  }
  return out;
}

testEachDatabase(
  '[P002-19] repeated failures lock the account and the source; same answer for unknown and wrong',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      await signUpAndConfirm(new FormClient(app), database.db);
      await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' });
      const wrong = Array.from({ length: 6 }, (_, i) => `wrong-password-${i}-xyz`);
      const known = await attempts(new FormClient(app, '203.0.113.7'), customer.email, wrong);
      const none = await attempts(new FormClient(app, '198.51.100.9'), unknown, wrong);
      assert.deepEqual(
        known.map((r) => r.status),
        [401, 401, 401, 401, 429, 429],
      );
      assert.deepEqual(none, known, 'an unknown email gets exactly the same answers as a wrong password');
      assert.match(known[0]!.body, /The email or password is not right/);
      assert.match(known[4]!.body, /Too many failed sign-ins/);

      // Locked means locked: the right password from another network does not get in either.
      const right = new FormClient(app, '192.0.2.55');
      await right.get('/account/login');
      assert.equal((await right.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 429);
      const api = await right.json('POST', '/api/account/login', { email: customer.email, password: customer.password });
      assert.equal(api.statusCode, 429);
      assert.equal(api.json().error.code, 'LOGIN_LOCKED');

      // When the lock has passed (moved back in time here), the right password works again.
      await sql`update accounts_throttle set locked_until = now() - interval '1 second'`.execute(database.db);
      assert.equal((await right.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 303);

      // The source: 20 failures from one network, each on another address, lock that network out.
      const spray = new FormClient(app, '198.51.100.77');
      await spray.get('/account/login');
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await spray.post('/account/login', { email: `guess${i}@example.net`, password: 'hunter2-hunter2' })).statusCode);
      assert.deepEqual(statuses, [...Array(19).fill(401), 429]);
      assert.equal((await spray.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 429, 'the locked source cannot sign in at all');
      const elsewhere = new FormClient(app, '192.0.2.56');
      await elsewhere.get('/account/login');
      assert.equal((await elsewhere.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 303, 'other networks are not affected');

      const events = await recentSecurityEvents(database.db, { limit: 500 });
      const count = (kind: string) => events.filter((e) => e.kind === kind).length;
      assert.equal(count('login-locked'), 2, 'the known and the unknown address were each locked once');
      assert.equal(count('source-locked'), 1);
      assert.ok(count('login-failed') >= 32);
      assert.ok(
        events.every((e) => !JSON.stringify(e.detail).includes('@') && !JSON.stringify(e.detail).includes('198.51')),
        'events hold no address',
      );
      // The owner was mailed: once per kind of lock (two address locks in one 15-minute window make one mail).
      const alerts = await queuedMail(database.db, 'accounts.security-alert');
      const kinds = alerts.map((m) => m.params.event);
      assert.equal(new Set(kinds).size, 2, kinds.join(' | '));
      assert.ok(alerts.length <= 3, 'no flood of alerts');
      assert.deepEqual(findPersonalData(JSON.stringify(alerts)), [], 'alerts name no address or network');
      const { rows } = await sql<{ key: Buffer }>`select key from accounts_throttle`.execute(database.db);
      assert.ok(
        rows.every((r) => !Buffer.from(r.key).toString('latin1').includes('example')),
        'throttle keys are digests',
      );
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'email enumeration: an unknown email and a wrong password run the same path (one Argon2id verification, same parameters) and answer alike',
  async (database) => {
    // On production costs: alike timings are a claim about the shop as it runs, where Argon2id
    // dominates; at the cheap test costs the database steps do (decision 0031).
    const { app } = await buildTestApp(database, {}, { passwordCosts: 'production' });
    try {
      await signUpAndConfirm(new FormClient(app), database.db);
      const client = new FormClient(app, '203.0.113.20');
      // Count the kernel calls each attempt makes (the kernel object is shared, so wrapping its methods sees every call).
      const kernel = app.privacy as unknown as Record<'read' | 'findSubjects', (...args: unknown[]) => Promise<unknown>>;
      const calls: string[] = [];
      for (const method of ['read', 'findSubjects'] as const) {
        const original = kernel[method]!;
        kernel[method] = async (...args: unknown[]) => {
          calls.push(method);
          return original(...args);
        };
      }
      const timings = { known: [] as number[], unknown: [] as number[] };
      const answers = new Set<string>();
      for (let round = 0; round < 8; round++) {
        for (const [which, email] of [
          ['known', customer.email],
          ['unknown', `nobody${round}@example.net`],
        ] as const) {
          await sql`delete from accounts_throttle`.execute(database.db);
          const before = verifyCounter.count;
          calls.length = 0;
          const started = performance.now();
          const res = await client.json('POST', '/api/account/login', { email, password: 'not-the-password-42' });
          timings[which].push(performance.now() - started);
          assert.equal(verifyCounter.count - before, 1, `${which}: exactly one Argon2id verification`);
          assert.deepEqual(calls, ['findSubjects', 'read'], `${which}: one blind-index lookup, one kernel read`);
          assert.deepEqual(verifyCounter.lastParams, currentParams, `${which}: with the current parameters`);
          answers.add(`${res.statusCode} ${res.body} ${res.headers['set-cookie'] ?? ''}`);
        }
      }
      assert.equal(answers.size, 1, `one answer for both: ${[...answers].join(' | ')}`);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ratio = median(timings.known) / median(timings.unknown);
      // Loose bounds: the shared test machine is noisy; the call counts above are the exact proof.
      assert.ok(ratio > 0.5 && ratio < 2, `median times are alike (known/unknown = ${ratio.toFixed(2)})`);

      // Reset requests answer alike too, and take at least the same floor of time.
      const reset = await Promise.all([customer.email, unknown].map((email) => client.json('POST', '/api/account/reset', { email })));
      assert.deepEqual(
        reset.map((r) => [r.statusCode, r.body]),
        [
          [202, '{"status":"check-your-inbox"}'],
          [202, '{"status":"check-your-inbox"}'],
        ],
      );
      // And so do sign-ups of a taken and a free address.
      const signups = [];
      for (const email of [customer.email, 'brand.new@example.org']) {
        const started = performance.now();
        const res = await client.json('POST', '/api/account/signup', { name: 'Someone Else', email, password: 'quartz-meadow-31-falcon', age: 'adult' });
        signups.push([res.statusCode, res.body, performance.now() - started >= 400]);
      }
      assert.deepEqual(signups, [
        [202, '{"status":"check-your-inbox"}', true],
        [202, '{"status":"check-your-inbox"}', true],
      ]);
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase('[P002-19] the lockout limits and the staff password age are settings (LOGIN_LOCK_*, STAFF_PASSWORD_MAX_AGE_DAYS)', async (database) => {
  const { app } = await buildTestApp(database, { LOGIN_LOCK_ACCOUNT_FAILURES: '3', LOGIN_LOCK_MINUTES: '1', STAFF_PASSWORD_MAX_AGE_DAYS: '1' });
  try {
    await signUpAndConfirm(new FormClient(app), database.db);
    const wrong = Array.from({ length: 4 }, (_, i) => `wrong-password-${i}-xyz`);
    const answers = await attempts(new FormClient(app, '203.0.113.8'), customer.email, wrong);
    assert.deepEqual(
      answers.map((r) => r.status),
      [401, 401, 429, 429],
      'the third failure locks',
    );
    const { rows } = await sql<{ seconds: number }>`select extract(epoch from (locked_until - window_started_at))::int as seconds from accounts_throttle where scope = 'account'`.execute(database.db);
    assert.ok(rows[0]!.seconds <= 60, 'for one minute');

    const staff = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' }, '192.0.2.77');
    await sql`update accounts_users set password_changed_at = now() - interval '2 days' where kind = 'staff'`.execute(database.db);
    const console = await staff.get('/staff');
    assert.equal(console.headers.location, '/staff/password', 'a password older than the set age must be changed');
    assert.match((await staff.get('/staff/password')).body, /more than 1 days old/);
  } finally {
    await app.close();
  }
});
