import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { testActor } from '../privacy/testing.ts';
import { SubjectErased } from '../privacy/index.ts';
import { NAME } from './identity.ts';
import { sweepAccounts } from './sweep.ts';
import { customer, FormClient, signUpAndConfirm } from './testing.ts';

async function accounts(db: Db): Promise<{ subject_id: string; status: string; origin: string }[]> {
  const { rows } = await sql<{ subject_id: string; status: string; origin: string }>`select subject_id, status, origin from accounts_users order by created_at`.execute(db);
  return rows;
}

testEachDatabase('accounts.sweep deletes sign-ups never confirmed once their link expired, erasing their kernel subject; confirmed and checkout accounts stay', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await signUpAndConfirm(new FormClient(app), database.db);
    const client = new FormClient(app);
    await client.get('/account/signup');
    assert.equal((await client.post('/account/signup', { name: 'Never Confirmed', email: 'never.confirmed@example.com', password: 'quiet-harbour-61-violin', age: 'adult' })).statusCode, 200);
    await database.db.transaction().execute((trx) => app.accounts.customerForCheckout(trx, { name: 'Guest Buyer', email: 'guest.buyer@example.com', age: 'adult', ip: '192.0.2.1' }));
    const before = await accounts(database.db);
    assert.deepEqual(
      before.map((a) => [a.status, a.origin]),
      [
        ['active', 'signup'],
        ['pending', 'signup'],
        ['pending', 'checkout'],
      ],
    );
    const unconfirmed = before[1]!.subject_id;

    await sweepAccounts(database.db, new Date(Date.now() + 3_600_000), app.privacy);
    assert.equal((await accounts(database.db)).length, 3, 'a live link keeps the sign-up');

    await sweepAccounts(database.db, new Date(Date.now() + 25 * 3_600_000), app.privacy);
    const after = await accounts(database.db);
    assert.deepEqual(
      after.map((a) => [a.status, a.origin]),
      [
        ['active', 'signup'],
        ['pending', 'checkout'],
      ],
      'the checkout account stays although its owner has not set a password',
    );
    await assert.rejects(
      app.privacy.read(database.db, { subject: unconfirmed, actor: testActor('test'), purpose: 'account', categories: [NAME] }),
      (e) => e instanceof SubjectErased,
      'the unconfirmed person is erased from the kernel',
    );
    // The email is free again: signing up with it starts afresh.
    await client.get('/account/signup');
    await client.post('/account/signup', { name: 'Never Confirmed', email: 'never.confirmed@example.com', password: 'quiet-harbour-61-violin', age: 'adult' });
    assert.equal((await accounts(database.db)).length, 3);
    const record = await app.privacy.read(database.db, { subject: after[0]!.subject_id, actor: testActor('test'), purpose: 'account', categories: [NAME] });
    assert.equal(record.values[NAME], customer.name);
  } finally {
    await app.close();
  }
});
