import assert from 'node:assert/strict';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { createVendor } from '../commerce/catalogue/index.ts';
import { FormClient, queuedMail, staffClient } from './testing.ts';

const password = 'copper-window-81-patient';

testEachDatabase(
  '[P000-14] vendor users sign in to the vendor portal and see only their own vendor; the portal needs a vendor sign-in',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const corvid = await createVendor(database.db, { slug: 'corvid', name: 'Corvid Systems' });
      const lantern = await createVendor(database.db, { slug: 'lanternfish', name: 'Lanternfish Security' });
      const owner = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' });
      const support = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: 'amber-lighthouse-27-quietly-sings' });
      assert.equal((await support.json('POST', '/api/staff/vendor-users', { name: 'V', email: 'v@corvid.example', vendor_id: corvid.id })).statusCode, 403, 'only an owner adds vendor users');
      const users: FormClient[] = [];
      for (const [vendor, email] of [
        [corvid, 'vic@corvid.example'],
        [lantern, 'lea@lanternfish.example'],
      ] as const) {
        const res = await owner.json('POST', '/api/staff/vendor-users', { name: `User of ${vendor.name}`, email, vendor_id: vendor.id });
        assert.equal(res.statusCode, 201, res.body);
        const link = new URL((await queuedMail(database.db, 'accounts.vendor-invitation', app.privacy)).at(-1)!.params.link!);
        const client = new FormClient(app);
        const form = await client.get(link.pathname + link.search);
        const token = /name="token" value="([^"]+)"/.exec(form.body)![1]!;
        assert.equal((await client.post('/vendor/password/set', { token, new_password: password })).statusCode, 303);
        users.push(client);
      }
      assert.equal((await owner.json('POST', '/api/staff/vendor-users', { name: 'Dup', email: 'VIC@corvid.example', vendor_id: corvid.id })).statusCode, 409);
      assert.equal((await owner.json('POST', '/api/staff/vendor-users', { name: 'Nobody', email: 'n@x.example', vendor_id: '00000000-0000-4000-8000-000000000000' })).statusCode, 404);

      const [vic, lea] = users;
      assert.equal((await vic!.get('/vendor')).headers.location, '/vendor/terms', 'the data-use terms come first');
      const vicPage = await vic!.get('/vendor/terms');
      assert.equal(vicPage.statusCode, 200);
      assert.match(vicPage.body, /Signed in for <strong>Corvid Systems<\/strong>/);
      assert.doesNotMatch(vicPage.body, /Lanternfish/);
      assert.match((await lea!.get('/vendor/terms')).body, /Signed in for <strong>Lanternfish Security<\/strong>/);
      assert.equal((await vic!.get('/staff')).headers.location, '/staff/login', 'a vendor session does not open the staff console');
      assert.equal((await vic!.get('/account')).headers.location, '/account/login', 'nor a customer account');

      const anonymous = new FormClient(app);
      assert.equal((await anonymous.get('/vendor')).headers.location, '/vendor/login', 'the portal needs a sign-in');
      await anonymous.get('/vendor/login');
      assert.equal((await anonymous.post('/vendor/login', { email: 'vic@corvid.example', password: 'wrong-password-here' })).statusCode, 401);
      const signedIn = await anonymous.post('/vendor/login', { email: 'vic@corvid.example', password });
      assert.equal(signedIn.headers.location, '/vendor');
      assert.match((await anonymous.get('/vendor/terms')).body, /Corvid Systems/);
      // Staff credentials do not open the vendor portal.
      await anonymous.post('/vendor/logout', {});
      await anonymous.get('/vendor/login');
      assert.equal((await anonymous.post('/vendor/login', { email: 'olive@shop.example', password: 'amber-lighthouse-27-quietly-sings' })).statusCode, 401);
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);
