import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { staffActor } from '../privacy/index.ts';
import { testActor } from '../privacy/testing.ts';
import { staffClient } from './testing.ts';

const staffPassword = 'amber-lighthouse-27-quietly-sings';

testEachDatabase(
  '[P000-16] the DPO console lists disclosures awaiting approval (no personal values) and approves or rejects them',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const dpo = await staffClient(app, database.db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: staffPassword });
      const support = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: staffPassword });
      assert.match((await dpo.get('/staff/dpo')).body, /No disclosure is waiting for your approval/);

      const system = testActor('test');
      const subject = await app.privacy.createSubject(database.db, { kind: 'customer', actor: system, purpose: 'account' });
      await app.privacy.write(database.db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Rowena Consolefield', 'user.contact.address': { street: '4 Larch Way' } } });
      const { rows } = await sql<{ id: string }>`select id from accounts_users where kind = 'staff' and role = 'support'`.execute(database.db);
      const asker = staffActor(rows[0]!.id, 'support');
      const court = { subject, recipient: 'courts', categories: ['user.name', 'user.contact.address'], purpose: 'legal-compliance', basis: 'court-order', actor: asker };
      const first = await app.privacy.requestDisclosure(database.db, court);
      const second = await app.privacy.requestDisclosure(database.db, { ...court, categories: ['user.name'] });

      const page = await dpo.get('/staff/dpo');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Disclosures awaiting your approval/);
      assert.match(page.body, new RegExp(`action="/staff/dpo/disclosures/${first}"`));
      assert.match(page.body, new RegExp(`action="/staff/dpo/disclosures/${second}"`));
      assert.match(page.body, /<td data-label="By">support [0-9a-f]{8}<\/td>/, 'who asked, by role');
      assert.match(page.body, /user\.name, user\.contact\.address/);
      assert.match(page.body, /Data-subject rights/);
      assert.match(page.body, /href="\/staff\/requests"/);
      assert.doesNotMatch(page.body, /Rowena|Consolefield|Larch/, 'no personal value on the page');

      const approved = await dpo.post(`/staff/dpo/disclosures/${first}`, { decision: 'approved' });
      assert.equal(approved.statusCode, 200);
      assert.match(approved.body, /The disclosure is approved/);
      assert.doesNotMatch(approved.body, new RegExp(`/staff/dpo/disclosures/${first}"`));
      const again = await dpo.post(`/staff/dpo/disclosures/${first}`, { decision: 'rejected' });
      assert.equal(again.statusCode, 409, 'a decided request cannot be decided again');
      assert.match(again.body, /already decided/);
      assert.equal((await dpo.post(`/staff/dpo/disclosures/${second}`, { decision: 'maybe' })).statusCode, 400);
      assert.match((await dpo.post(`/staff/dpo/disclosures/${second}`, { decision: 'rejected' })).body, /The request is rejected/);
      assert.match((await dpo.get('/staff/dpo')).body, /No disclosure is waiting for your approval/);

      // The approval now lets the disclosure be made, once (by someone whose role may read those categories).
      const released = await app.privacy.disclose(database.db, { ...court, actor: staffActor('00000000-0000-4000-8000-00000000d0d0', 'dpo'), approval: first });
      assert.equal(released.values['user.name'], 'Rowena Consolefield');

      await support.get('/staff');
      assert.equal((await support.post(`/staff/dpo/disclosures/${second}`, { decision: 'approved' })).statusCode, 403, 'only the DPO decides here');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
