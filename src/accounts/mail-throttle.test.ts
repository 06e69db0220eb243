// Mail anyone can trigger is throttled per address and per source network (decision 0029).
import assert from 'node:assert/strict';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { MAIL_PER_ADDRESS, MAIL_PER_SOURCE } from './mail-throttle.ts';
import { customer, FormClient, queuedMail, signUpAndConfirm } from './testing.ts';

const other = { name: 'Quentin Other', email: 'quentin.other@example.org', password: 'granite-willow-64-harbour' };

testEachDatabase(
  'ten reset requests in a few seconds, from ten networks, send at most the per-address allowance of mail; every answer is the same',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      await signUpAndConfirm(new FormClient(app), database.db); // one mail to the address already: the confirmation
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => new FormClient(app, `203.0.113.${100 + i}`).json('POST', '/api/account/reset', { email: customer.email })));
      assert.deepEqual(new Set(answers.map((r) => `${r.statusCode} ${r.body}`)), new Set(['202 {"status":"check-your-inbox"}']));
      assert.equal((await queuedMail(database.db, 'accounts.reset-password')).length, MAIL_PER_ADDRESS - 1);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);

testEachDatabase(
  'one network asking for mail to many addresses is stopped at the per-source allowance; other networks are not',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      await signUpAndConfirm(new FormClient(app, '192.0.2.10'), database.db, other);
      const spray = new FormClient(app, '198.51.100.99');
      for (let i = 0; i < MAIL_PER_SOURCE; i++) assert.equal((await spray.json('POST', '/api/account/reset', { email: `someone${i}@example.net` })).statusCode, 202);
      assert.equal((await spray.json('POST', '/api/account/reset', { email: other.email })).statusCode, 202);
      assert.equal((await queuedMail(database.db, 'accounts.reset-password')).length, 0, 'the spraying network sends no more mail');
      assert.equal((await new FormClient(app, '192.0.2.11').json('POST', '/api/account/reset', { email: other.email })).statusCode, 202);
      assert.equal((await queuedMail(database.db, 'accounts.reset-password')).length, 1, 'another network still can');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);

testEachDatabase(
  'guest checkouts typing one address mail it at most the per-address allowance; the checkouts still go through',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const buyer = { name: 'Typed Anybody', email: 'victim@example.org', age: 'adult' as const };
      const results = [];
      for (let i = 0; i < 8; i++) {
        results.push(await database.db.transaction().execute((trx) => app.accounts.customerForCheckout(trx, { ...buyer, ip: `198.51.100.${120 + i}` })));
      }
      assert.equal(new Set(results.map((r) => r.subject)).size, 1, 'every checkout found its customer');
      assert.equal((await queuedMail(database.db, 'accounts.checkout-account')).length, MAIL_PER_ADDRESS);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
