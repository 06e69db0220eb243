import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testActor } from '../privacy/testing.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { recentSecurityEvents } from './security-events.ts';
import { customer, FormClient, queuedMail, signUpAndConfirm, staffClient } from './testing.ts';

const staffPassword = 'amber-lighthouse-27-quietly-sings';

testEachDatabase(
  '[P002-22][P003-07] staff find a customer by email on a console page: only what the role may see, under a purpose it may use; the read is audited',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      await signUpAndConfirm(new FormClient(app), database.db);
      const support = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: staffPassword });
      const marketing = await staffClient(app, database.db, { name: 'Mo Marketing', email: 'mo@shop.example', role: 'marketing', password: staffPassword });
      const form = await support.get('/staff/customers');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<option value="support">/);
      assert.doesNotMatch(form.body, /<option value="newsletters">/, 'only purposes the role may use are offered');
      const found = await support.post('/staff/customers', { email: customer.email, purpose: 'support' });
      assert.equal(found.statusCode, 200);
      assert.match(found.body, /<td data-label="Name">Philippa Quarrington<\/td><td data-label="Email">philippa\.quarrington@example\.com<\/td><td data-label="Account">active<\/td>/);
      await app.privacy.flush();
      // The read is in the customer's own audit trail: by support staff, under the purpose chosen, of what the page showed.
      const { subject_id: subject } = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(database.db)).rows[0]!;
      const reads = (await app.privacy.accessLog(database.db, { subject, actor: testActor('test') })).filter((e) => e.by === 'staff' && e.action === 'data.read');
      assert.ok(
        reads.some((e) => e.byDetail === 'support' && e.purpose === 'support' && e.outcome === 'ok' && e.categories.includes('user.name') && e.categories.includes('user.contact.email')),
        `the read of the customer is audited with its purpose: ${JSON.stringify(reads)}`,
      );
      assert.ok(
        reads.every((e) => e.purpose === 'support'),
        'every staff read of the customer names the purpose',
      );
      const none = await support.post('/staff/customers', { email: 'nobody.here@example.com', purpose: 'support' });
      assert.match(none.body, /No customer signs in with that email/);

      await marketing.get('/staff/customers');
      const refused = await marketing.post('/staff/customers', { email: customer.email, purpose: 'support' });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /id="f-purpose-error"/);
      assert.doesNotMatch(refused.body, /Philippa/);
      assert.equal((await recentSecurityEvents(database.db, { kind: 'read-outside-role' })).length, 1, 'a refusal is an intrusion signal');
      assert.equal((await new FormClient(app).get('/staff/customers')).headers.location, '/staff/login');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);

testEachDatabase(
  'an owner adds vendor users on a console page; they are invited by mail; other roles cannot',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const { rows } = await sql<{ id: string }>`insert into catalogue_vendors (slug, name, description) values ('acme', 'Acme Widgets', '') returning id`.execute(database.db);
      const vendorId = rows[0]!.id;
      const owner = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: staffPassword });
      const support = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: staffPassword });
      assert.match((await owner.get('/staff')).body, /href="\/staff\/vendor-users"/);
      const page = await owner.get('/staff/vendor-users');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`<option value="${vendorId}">Acme Widgets</option>`));
      const bad = await owner.post('/staff/vendor-users', { name: 'Vera Vendor', email: 'not-an-email', vendor_id: vendorId });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /href="#f-email"/);
      assert.match(bad.body, /value="Vera Vendor"/, 'the form keeps what was typed');
      const added = await owner.post('/staff/vendor-users', { name: 'Vera Vendor', email: 'vera@acme.example', vendor_id: vendorId });
      assert.equal(added.statusCode, 200);
      assert.match(added.body, /We mailed them a link/);
      assert.match(added.body, /<td data-label="Name">Vera Vendor<\/td><td data-label="Email">vera@acme\.example<\/td><td data-label="Vendor">Acme Widgets<\/td><td data-label="Status">active<\/td>/);
      assert.equal((await queuedMail(database.db, 'accounts.vendor-invitation')).length, 1);
      assert.equal((await owner.post('/staff/vendor-users', { name: 'Vera Again', email: 'vera@acme.example', vendor_id: vendorId })).statusCode, 409);
      assert.equal((await support.get('/staff/vendor-users')).statusCode, 403);
      await support.get('/staff');
      assert.equal((await support.post('/staff/vendor-users', { name: 'X Y', email: 'x@acme.example', vendor_id: vendorId })).statusCode, 403);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
