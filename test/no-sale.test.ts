// Nothing is sold and no list leaves for anyone's marketing (P000-04, P002-13, P003-08): the
// staff console's only way to give personal data to a third party refuses a sale or marketing-list
// basis and any recipient not declared for the basis, naming the field, and records nothing; the
// shop will not start on a data map that declares a sale or a list-broker purpose; the published
// machine-readable map declares no third-party sharing or sale; no staff route hands out a list.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { staffClient } from '../src/accounts/testing.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { PrivacySetupError } from '../src/privacy/index.ts';
import { disclosureRows, testActor } from '../src/privacy/testing.ts';

const password = 'amber-lighthouse-27-quietly-sings';

/** A copy of the shop's data map with `yaml` appended to one of its files. */
function mapWith(file: string, yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-no-sale-'));
  cpSync(fileURLToPath(new URL('../datamap/', import.meta.url)), dir, { recursive: true });
  appendFileSync(join(dir, file), yaml);
  return dir;
}

testEachDatabase(
  '[P000-04][P002-13][P003-08][P002-12] a staff attempt to give customer data out for a sale or a marketing list is refused, naming the field, and nothing leaves',
  async (database, t) => {
    const { app } = await buildTestApp(database);
    t.after(() => app.close());
    const db = database.db;
    const owner = await staffClient(app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password });
    const system = testActor('test');
    const subject = await app.privacy.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
    await app.privacy.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Rowena Ledgerfield', 'user.contact.email': 'rowena@example.test' } });

    // The console offers third-party routes only on the fixed legal bases: none for a sale or a list.
    const choose = await owner.get('/staff/disclosures/new');
    assert.equal(choose.statusCode, 200);
    assert.doesNotMatch(choose.body, /new\/(sale|marketing|mailing-list|list-rental|advertising)\//);

    await owner.get('/staff/disclosures/new/legal-rights/courts');
    const attempt = { recipient: 'survey-intermediary', email: 'rowena@example.test', categories: 'user.contact.email', instrument: 'List purchase agreement 7' };
    for (const basis of ['sale', 'marketing', 'mailing-list', 'list-rental']) {
      const res = await owner.post('/staff/disclosures', { ...attempt, basis });
      assert.equal(res.statusCode, 400, `basis ${basis}`);
      assert.match(res.body, /basis: must be one of/, `basis ${basis} is refused, naming the field`);
    }
    // A legal basis does not open a road to a recipient not declared for it (a survey company, a broker).
    for (const recipient of ['survey-intermediary', 'list-broker', 'advertiser']) {
      const res = await owner.post('/staff/disclosures', { ...attempt, basis: 'legal-rights', recipient });
      assert.equal(res.statusCode, 400, `recipient ${recipient}`);
      assert.match(res.body, /recipient: is not declared to receive data on the basis legal-rights/);
    }
    assert.equal(Number((await sql<{ n: string }>`select count(*) as n from rights_legal_disclosures`.execute(db)).rows[0]!.n), 0, 'nothing recorded');
    assert.deepEqual(await disclosureRows(db, subject), [], 'nothing in the disclosure ledger');

    // The machine-readable map the shop publishes declares no sale and no third-party marketing use.
    const fides = await app.inject({ method: 'GET', url: '/privacy/datamap.fides.yml' });
    assert.equal(fides.statusCode, 200);
    const uses = [...fides.body.matchAll(/data_use:\s*([\w.]+)/g)].map((m) => m[1]!);
    assert.ok(uses.length > 5, 'the map declares its uses');
    for (const use of uses) assert.doesNotMatch(use, /advertising\.third_party|personalized_advertising|\bsale\b|\bsell/, `declared use ${use}`);

    // No staff route hands out a file of customers or list members, except the business transfer
    // (to the shop's own buyer, after notice; decision 0053) and a person's own export.
    const fileRoutes = [...new Set(app.routeTable.filter((r) => r.method === 'GET').map((r) => r.url))].filter((url) => /\.(csv|json|xlsx|vcf)$|\/export\b|\/members\b/.test(url));
    const allowed = [
      '/account/privacy/export.json', // the person's own data
      '/staff/transfer/customer-records.json', // the shop's own buyer, after 30 days' notice (decision 0053)
      '/openapi.json',
      '/privacy/export-schema.json',
      '/.well-known/gpc.json',
      '/api/account/export', // the person's own data
      '/privacy/export-format', // the page describing that export
      '/vendor/orders.csv', // a vendor's own orders, the buyer fields declared for fulfilment (ledgered)
    ];
    assert.deepEqual(
      fileRoutes.filter((url) => !allowed.includes(url) && !/^\/account\/|^\/privacy\/datamap/.test(url)),
      [],
      'no other route hands out a file of people',
    );
  },
);

testEachDatabase('[P003-08][P002-13] the shop does not start on a data map declaring a sale purpose or a list broker, and says why', async (database) => {
  const map = mapWith(
    'purposes.yml',
    '  - { id: customer-list-sale, name: Selling the customer list, description: Selling our customer list., data_use: marketing.advertising.third_party.targeted, legal_basis: consent, since: "2024.1", data_subjects: [customer], categories: [user.contact.email] }\n',
  );
  appendFileSync(join(map, 'recipients.yml'), '  - { id: list-broker, name: List broker, kind: processor, receives: [user.contact.email], bases: [sale], purposes: [offers] }\n');
  await assert.rejects(buildTestApp(database, { DATAMAP_DIR: map }), (err: unknown) => {
    assert.ok(err instanceof PrivacySetupError, String(err));
    assert.match(err.message, /a purpose that sells personal data or customer lists cannot be declared/);
    assert.match(err.message, /sale is not a disclosure basis/);
    return true;
  });
});
