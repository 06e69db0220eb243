import assert from 'node:assert/strict';
import { staffClient } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';

const password = 'amber-lighthouse-27-quietly-sings';
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// What the seed policies name, by the data map's keys.
const purposes = {
  'the shop': ['fulfillment', 'order-status', 'billing', 'support', 'recommendations', 'newsletters', 'account', 'quotes', 'mailing-list'],
  'the monitoring service': ['monitoring', 'emergency'],
  'the online software': ['software-registration', 'online-software'],
};
// Name, company, address, phone, email, location and billing (bank account, payment token), and CPNI.
const categories = [
  'user.name',
  'user.contact.organization',
  'user.contact.address',
  'user.contact.phone_number',
  'user.contact.email',
  'user.location.precise',
  'user.financial.bank_account',
  'user.payment',
  'user.telecom.cpni',
];
const subjects = ['customer', 'vendor-contact', 'staff', 'mailing-list-member', 'service-contact', 'visitor'];

testEachDatabase(
  '[P003-05][P004-02][P004-03][P004-05] the data map page the privacy officer reads is one map for the shop, the monitoring service and the online software, declaring every purpose and category the seed policies name',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const dpo = await staffClient(app, database.db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password });
      const page = await dpo.get('/staff/dpo/datamap');
      assert.equal(page.statusCode, 200);
      for (const [channel, ids] of Object.entries(purposes)) {
        for (const id of ids) assert.ok(page.body.includes(`id="purpose-${id}"`), `${channel}: purpose ${id} is declared`);
      }
      for (const key of categories) {
        assert.match(
          page.body,
          new RegExp(`<code>${escaped(key)}</code></th><td data-label="Blind index">[^<]*</td><td data-label="Stored">yes, encrypted</td>`),
          `category ${key} is declared and stored encrypted`,
        );
      }
      assert.match(
        page.body,
        /<code>user\.financial\.credit_card<\/code><\/th><td data-label="Blind index">[^<]*<\/td><td data-label="Stored">never<\/td>/,
        'card numbers are declared and never stored',
      );
      for (const id of subjects) assert.ok(page.body.includes(`<code>${id}</code></th><td data-label="Fides key">`), `the people it covers: ${id}`);
      assert.match(page.body, /<h1>The data map<\/h1>/);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
