// Consent at the points of collection (P003-09, decision 0051): sign-up and checkout offer each
// consent-based marketing purpose as an unticked box with the policy text it refers to; a ticked
// box is the person's grant in the consent ledger (channel web, who, when, policy version), an
// unticked one records nothing, and a guest cannot consent for an account that already exists.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, customer } from '../src/accounts/testing.ts';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { consentEntries } from '../src/privacy/testing.ts';
import { addToCart, keyOf } from './checkout-support.ts';

const offered = ['newsletters', 'mailing-list', 'testimonials'];

/** The subject of the customer whose account was made last. */
async function newestCustomer(db: Db): Promise<string> {
  const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db);
  return rows[0]!.subject_id;
}
const withoutSubject = (rows: { subject: string }[]) => rows.map(({ subject: _s, ...r }) => r);

testEachDatabase(
  '[P003-09] sign-up and checkout offer each consent-based marketing use unticked with its policy text; a ticked box is a grant recorded with channel, who and policy version, an unticked one nothing',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const db = database.db;
      const version = app.privacy.map.policyVersions.filter((v) => v.effective <= new Date()).at(-1)!.version;

      // Sign-up: the boxes, unticked, each with the purpose's words and its place in the policy.
      const visitor = new FormClient(app);
      const form = await visitor.get('/account/signup');
      for (const purpose of offered) {
        assert.match(form.body, new RegExp(`<input type="checkbox" id="f-consent_${purpose}" name="consent_${purpose}" value="yes">`), `${purpose} offered, unticked`);
        assert.match(form.body, new RegExp(`href="/privacy#purpose-${purpose}"`));
      }
      assert.match(form.body, new RegExp(`Optional: what else you allow \\(privacy policy ${version.replace('.', '\\.')}\\)`));
      assert.match((await app.inject({ method: 'GET', url: '/privacy' })).body, /id="purpose-newsletters"/, 'the policy text the box links to');
      const bad = await visitor.post('/account/signup', { name: customer.name, email: customer.email, password: customer.password, age: 'adult', 'consent_card-numbers': 'yes' });
      assert.equal(bad.statusCode, 400);
      const kept = await visitor.post('/account/signup', { name: customer.name, email: 'not-an-email', password: customer.password, age: 'adult', consent_newsletters: 'yes' });
      assert.match(kept.body, /name="consent_newsletters" value="yes" checked/, 'a form shown again keeps the tick');
      assert.doesNotMatch(kept.body, /name="consent_testimonials" value="yes" checked/);
      const done = await visitor.post('/account/signup', { name: customer.name, email: customer.email, password: customer.password, age: 'adult', consent_newsletters: 'yes' });
      assert.equal(done.statusCode, 200, done.body.slice(0, 300));
      assert.deepEqual(
        withoutSubject(await consentEntries(db, { subject: await newestCustomer(db) })),
        [{ purpose: 'newsletters', action: 'grant', channel: 'web', recordedBy: 'self', policyVersion: version }],
        'only the ticked box is recorded, as the person’s own grant',
      );

      // Checkout: the same boxes; a new buyer's tick is their grant.
      const shop = await makeShop(db);
      await sql`update catalogue_variants set price_minor = 0 where id = ${shop.vpn}`.execute(db);
      const buyer = newClient(app);
      await addToCart(buyer, 'vpn-licence', shop.vpn);
      const checkout = await buyer.get('/checkout');
      for (const purpose of offered) assert.match(checkout.body, new RegExp(`name="consent_${purpose}" value="yes">`));
      const placed = await buyer.post('/checkout', {
        idempotency_key: keyOf(checkout.body),
        method: 'free',
        name: 'Grace Hopper',
        email: 'grace@example.com',
        age: 'adult',
        'consent_mailing-list': 'yes',
      });
      assert.equal(placed.statusCode, 303, placed.body.slice(0, 300));
      assert.deepEqual(withoutSubject(await consentEntries(db, { subject: await newestCustomer(db) })), [
        { purpose: 'mailing-list', action: 'grant', channel: 'web', recordedBy: 'self', policyVersion: version },
      ]);

      // A guest typing the email of an existing account cannot consent for it: the order goes through, nothing is recorded.
      const stranger = newClient(app);
      await addToCart(stranger, 'vpn-licence', shop.vpn);
      const again = await stranger.get('/checkout');
      const other = await stranger.post('/checkout', { idempotency_key: keyOf(again.body), method: 'free', name: 'Not Philippa', email: customer.email, age: 'adult', consent_testimonials: 'yes' });
      assert.equal(other.statusCode, 303, other.body.slice(0, 300));
      assert.deepEqual(await consentEntries(db, { purpose: 'testimonials' }), []);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
