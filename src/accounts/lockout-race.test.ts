import assert from 'node:assert/strict';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { verifyCounter } from './passwords.ts';
import { recentSecurityEvents } from './security-events.ts';
import { customer, FormClient, signUpAndConfirm, staffClient } from './testing.ts';

testEachDatabase(
  '[P002-19] 50 concurrent wrong guesses from 50 networks check at most the allowed number of passwords',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      await signUpAndConfirm(new FormClient(app), database.db);
      const before = verifyCounter.count;
      const guesses = Array.from({ length: 50 }, (_, i) => new FormClient(app, `198.51.100.${i + 1}`).json('POST', '/api/account/login', { email: customer.email, password: `wrong-guess-${i}-xyz` }));
      const answers = await Promise.all(guesses);
      const checked = verifyCounter.count - before;
      assert.ok(checked <= 5, `at most 5 passwords were checked, not ${checked}`);
      assert.ok(
        answers.every((r) => r.statusCode === 401 || r.statusCode === 429),
        answers.map((r) => r.statusCode).join(' '),
      );
      assert.ok(answers.filter((r) => r.statusCode === 429).length >= 45, 'the rest were refused as locked');

      // The right password from yet another network is refused: the email is locked.
      const right = await new FormClient(app, '192.0.2.201').json('POST', '/api/account/login', { email: customer.email, password: customer.password });
      assert.equal(right.statusCode, 429);
      assert.equal(verifyCounter.count - before, checked, 'a locked attempt checks no password');
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P002-19] an email locked from unknown networks still signs in from a network its owner used before',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      await signUpAndConfirm(new FormClient(app), database.db);
      const home = new FormClient(app, '203.0.113.5');
      await home.get('/account/login');
      assert.equal((await home.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 303, 'the owner signs in from home once');

      const attacker = new FormClient(app, '198.51.100.66');
      await attacker.get('/account/login');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await attacker.post('/account/login', { email: customer.email, password: `wrong-guess-${i}-xyz` })).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429], 'the attacker locks the email for unknown networks');
      assert.equal((await attacker.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 429, 'even the right password from an unknown network');

      const again = new FormClient(app, '203.0.113.5');
      await again.get('/account/login');
      assert.equal((await again.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 303, 'the owner still signs in from home');

      // Failures from the known network have their own count, which locks it in the same way.
      const sameHome = new FormClient(app, '203.0.113.5');
      await sameHome.get('/account/login');
      const known: number[] = [];
      for (let i = 0; i < 5; i++) known.push((await sameHome.post('/account/login', { email: customer.email, password: `wrong-at-home-${i}-xyz` })).statusCode);
      assert.deepEqual(known, [401, 401, 401, 401, 429]);
      assert.equal((await sameHome.post('/account/login', { email: customer.email, password: customer.password })).statusCode, 429);
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P002-19] 30 concurrent wrong second-factor codes check at most the allowed number',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const password = 'amber-lighthouse-27-quietly-sings';
      await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password }, '192.0.2.90');
      const attacker = new FormClient(app, '198.51.100.91');
      assert.equal((await attacker.json('POST', '/api/staff/login', { email: 'olive@shop.example', password })).statusCode, 200);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => attacker.json('POST', '/api/staff/2fa', { code: String(100000 + i) })));
      assert.ok(
        answers.every((r) => r.statusCode === 400 || r.statusCode === 429),
        answers.map((r) => r.statusCode).join(' '),
      );
      const events = await recentSecurityEvents(database.db, { limit: 500 });
      const checked = events.filter((e) => e.kind === 'login-failed' && JSON.stringify(e.detail).includes('second-factor')).length;
      assert.ok(checked <= 5, `at most 5 codes were checked, not ${checked}`);
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);
