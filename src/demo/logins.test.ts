import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { FormClient } from '../accounts/testing.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { demoLogins } from './logins.ts';
import { seedDemoShop } from './seed.ts';

testEachDatabase(
  'demo logins: with DEMO_DATA a customer, a staff owner and a privacy officer (enrol TOTP at first sign-in) and a vendor user can sign in with the published passwords; made once',
  async (database) => {
    await seedDemoShop(database.db);
    // Two starts of one shop (one data directory, so one keyring).
    const env = { DEMO_DATA: 'true', DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-demo-logins-')) };
    const first = await buildTestApp(database, env);
    await first.app.close();
    const { app } = await buildTestApp(database, env);
    try {
      const { rows } = await sql<{ kind: string; role: string | null; status: string }>`select kind, role, status from accounts_users where origin = 'demo' order by kind, role`.execute(database.db);
      assert.deepEqual(
        rows,
        [
          { kind: 'customer', role: null, status: 'active' },
          { kind: 'staff', role: 'dpo', status: 'active' },
          { kind: 'staff', role: 'owner', status: 'active' },
          { kind: 'vendor', role: null, status: 'active' },
        ],
        'made once, on the first start',
      );

      const buyer = new FormClient(app);
      await buyer.get('/account/login');
      assert.equal((await buyer.post('/account/login', { email: demoLogins.customer.email, password: demoLogins.customer.password })).headers.location, '/account');
      assert.match((await buyer.get('/account')).body, /Demo Customer/);

      const owner = new FormClient(app);
      await owner.get('/staff/login');
      assert.equal(
        (await owner.post('/staff/login', { email: demoLogins.owner.email, password: demoLogins.owner.password })).headers.location,
        '/staff/2fa/enrol',
        'the owner sets up the second factor first',
      );

      const dpo = new FormClient(app);
      await dpo.get('/staff/login');
      assert.equal(
        (await dpo.post('/staff/login', { email: demoLogins.dpo.email, password: demoLogins.dpo.password })).headers.location,
        '/staff/2fa/enrol',
        'the privacy officer sets up the second factor first',
      );

      const vendor = new FormClient(app);
      await vendor.get('/vendor/login');
      assert.equal((await vendor.post('/vendor/login', { email: demoLogins.vendor.email, password: demoLogins.vendor.password })).headers.location, '/vendor');
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase('demo logins: none without DEMO_DATA', async (database) => {
  await seedDemoShop(database.db);
  const { app } = await buildTestApp(database);
  try {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from accounts_users`.execute(database.db);
    assert.equal(rows[0]!.n, 0);
  } finally {
    await app.close();
  }
});
