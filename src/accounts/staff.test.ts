import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { staffRoles, anchorPathFor, sealAuditLog } from '../privacy/index.ts';
import { testActor, rewriteAuditChainFrom } from '../privacy/testing.ts';
import { recentSecurityEvents } from './security-events.ts';
import { stepAt, totpCode } from './totp.ts';
import { customer, FormClient, queuedMail, signUpAndConfirm, staffClient } from './testing.ts';

const staffPassword = 'amber-lighthouse-27-quietly-sings';

const customerData: Record<string, { purpose: string; value: unknown }> = {
  'user.name': { purpose: 'account', value: 'Philippa Quarrington' },
  'user.contact.email': { purpose: 'account', value: 'philippa.quarrington@example.com' },
  'user.contact.phone_number': { purpose: 'fulfillment', value: '+44 20 7946 0958' },
  'user.contact.address': { purpose: 'fulfillment', value: { street: '221B Baker Street' } },
  'user.financial.bank_account': { purpose: 'billing', value: 'DE89 3704 0044 0532 0130 00' },
  'user.government_id': { purpose: 'fraud-prevention', value: 'passport X1234567' },
  'user.authorization.credentials': { purpose: 'account', value: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g' },
};

// Spot checks written out by hand, so the test does not only restate the data map it reads.
const expectations: [role: string, category: string, allowed: boolean][] = [
  ['owner', 'user.name', true],
  ['owner', 'user.government_id', false],
  ['support', 'user.contact.email', true],
  ['support', 'user.financial.bank_account', false],
  ['fulfilment', 'user.contact.address', true],
  ['fulfilment', 'user.financial.bank_account', false],
  ['marketing', 'user.contact.email', true],
  ['marketing', 'user.contact.phone_number', false],
  ['accountant', 'user.financial.bank_account', true],
  ['accountant', 'user.government_id', false],
  ['dpo', 'user.government_id', true],
  ...staffRoles.map((r) => [r, 'user.authorization.credentials', false] as [string, string, boolean]),
];

testEachDatabase(
  '[P002-22][P003-07] each staff role reads only the categories and purposes the data map grants it; every refusal is an intrusion signal',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const kernel = app.privacy;
      const actor = testActor('test');
      const subject = await kernel.createSubject(database.db, { kind: 'customer', actor, purpose: 'account' });
      for (const [category, { purpose, value }] of Object.entries(customerData)) {
        await kernel.write(database.db, { subject, actor, purpose, values: { [category]: value as never } });
      }
      const map = kernel.map;
      let refusals = 0;
      const seen = new Map<string, boolean>();
      const reads: string[] = [];
      for (const role of staffRoles) {
        const client = await staffClient(app, database.db, { name: `Staff ${role}`, email: `${role}@shop.example`, role, password: staffPassword });
        const grants = map.roles.get(role)!;
        for (const category of Object.keys(customerData)) {
          // A purpose of this role that may use the category and needs no consent, if there is one.
          const usable = [...grants.purposes].map((p) => map.purposes.get(p)!).find((p) => p.categories.has(category) && p.legalBasis !== 'consent');
          const purpose = usable?.id ?? [...grants.purposes][0]!;
          const res = await client.json('GET', `/api/staff/customers/${subject}?purpose=${purpose}&categories=${category}`);
          const allowed = usable !== undefined && grants.categories.has(category);
          seen.set(`${role} ${category}`, res.statusCode === 200);
          if (allowed) {
            assert.equal(res.statusCode, 200, `${role} reads ${category} under ${purpose}: ${res.body}`);
            assert.deepEqual(res.json().values[category], customerData[category]!.value);
            reads.push(`${role} ${purpose} ${category}`);
          } else {
            assert.equal(res.statusCode, 403, `${role} must not read ${category} (under ${purpose})`);
            assert.equal(res.json().error.code, 'PRIVACY_REFUSED');
            assert.doesNotMatch(res.body, /Philippa|Baker|X1234567|argon2/, 'a refusal shows no data');
            refusals++;
          }
        }
        // A purpose outside the role is refused even for a category the role may see.
        const foreign = [...map.purposes.keys()].find((p) => !grants.purposes.has(p) && map.purposes.get(p)!.categories.has('user.name'))!;
        assert.equal((await client.json('GET', `/api/staff/customers/${subject}?purpose=${foreign}&categories=user.name`)).statusCode, 403, `${role} under ${foreign}`);
        refusals++;
      }
      for (const [role, category, allowed] of expectations) assert.equal(seen.get(`${role} ${category}`), allowed, `${role} ${category}`);
      // Each successful read is in the customer's audit trail: by staff of that role, under the purpose asked, of the category read.
      await kernel.flush();
      const audited = (await kernel.accessLog(database.db, { subject, actor }))
        .filter((e) => e.by === 'staff' && e.action === 'data.read' && e.outcome === 'ok')
        .map((e) => `${e.byDetail} ${e.purpose} ${e.categories.join(',')}`);
      assert.ok(reads.length >= 10, `the roles read the customer (${reads.length} reads)`);
      assert.deepEqual(audited.sort(), [...reads].sort(), 'one audit entry per staff read, naming the role, the purpose and the category');
      const events = await recentSecurityEvents(database.db, { kind: 'read-outside-role', limit: 1000 });
      assert.equal(events.length, refusals, 'every read outside a role is recorded');
      assert.ok(events.every((e) => typeof e.detail.role === 'string' && typeof e.detail.purpose === 'string' && e.user_id));
      const alerts = (await queuedMail(database.db, 'accounts.security-alert')).filter((m) => /outside what their role allows/.test(String(m.params.event)));
      assert.ok(alerts.length >= 1, 'owners and DPOs are mailed about reads outside a role');
      assert.ok(alerts.length <= 2 * 6, 'at most one alert per owner or DPO in the window, not one per refusal');
    } finally {
      await app.close();
    }
  },
  { timeout: 240_000 },
);

testEachDatabase('[P000-14] the staff area needs a staff sign-in (a customer session does not open it) and answers only STAFF_NETWORKS', async (database) => {
  const { app } = await buildTestApp(database, { STAFF_NETWORKS: '203.0.113.0/24, 2001:db8::/48' });
  try {
    const outside = new FormClient(app, '198.51.100.1');
    for (const url of ['/staff', '/staff/login', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=support&categories=user.name']) {
      const res = await outside.get(url);
      assert.equal(res.statusCode, 403, url);
      assert.match(res.body, /cannot be reached from this network/);
    }
    assert.equal((await outside.get('/account/login')).statusCode, 200, 'the rest of the shop is not limited');
    const office = new FormClient(app, '203.0.113.40');
    assert.equal((await office.get('/staff')).headers.location, '/staff/login', 'signed out: the console asks to sign in');
    assert.equal((await office.get('/staff/login')).statusCode, 200);
    assert.equal((await new FormClient(app, '2001:db8:0:1::7').get('/staff/login')).statusCode, 200, 'IPv6 networks work too');
    assert.equal((await office.json('GET', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=support&categories=user.name')).statusCode, 401);

    const shopper = new FormClient(app, '203.0.113.41');
    await signUpAndConfirm(shopper, database.db);
    assert.equal((await shopper.get('/account')).statusCode, 200);
    assert.equal((await shopper.get('/staff')).headers.location, '/staff/login', 'a customer session does not open the console');
    assert.equal((await shopper.json('GET', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=support&categories=user.name')).statusCode, 401);
    await shopper.get('/staff/login');
    assert.equal((await shopper.post('/staff/login', { email: customer.email, password: customer.password })).statusCode, 401, 'customer credentials do not sign in to the console');
  } finally {
    await app.close();
  }
});

testEachDatabase(
  '[P002-20] staff passwords: invited by an owner, strength-checked, and changed when older than 90 days',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const owner = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: staffPassword });
      await owner.get('/staff/users');
      const added = await owner.post('/staff/users', { name: 'Sam Support', email: 'sam@shop.example', role: 'support' });
      assert.equal(added.statusCode, 200, /<main[\s\S]*?<\/main>/.exec(added.body)?.[0]);
      assert.match(added.body, /Sam Support<\/th><td data-label="Email">sam@shop\.example<\/td><td data-label="Role">support</);
      const twice = await owner.post('/staff/users', { name: 'Sam Again', email: 'SAM@shop.example', role: 'fulfilment' });
      assert.equal(twice.statusCode, 409);
      assert.match(twice.body, /id="f-email-error">A staff member already signs in with this email/);
      const badRole = await owner.post('/staff/users', { name: 'X', email: 'x@shop.example', role: 'janitor' });
      assert.equal(badRole.statusCode, 400);
      // The email's shape (checked by the handler) is named with the schema's refusal of the role, at once.
      const both = await owner.post('/staff/users', { name: 'X', email: 'not-an-address', role: 'janitor' });
      assert.match(both.body, /id="f-role-error"/);
      assert.match(both.body, /id="f-email-error">must be an email address/);

      const invitation = (await queuedMail(database.db, 'accounts.staff-invitation', app.privacy)).at(-1);
      assert.ok(invitation);
      assert.equal(invitation.params.role, 'support');
      const sam = new FormClient(app);
      const form = await sam.get(new URL(invitation.params.link!).pathname + new URL(invitation.params.link!).search);
      assert.equal(form.statusCode, 200);
      const token = /name="token" value="([^"]+)"/.exec(form.body)![1]!;
      const short = await sam.post('/staff/password/set', { token, new_password: 'sunlit-oak-42' });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /id="f-new_password-error">must be at least 14 characters/);
      const weak = await sam.post('/staff/password/set', { token, new_password: 'aaaaaaaaaaaaaaaaaa1' });
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /too easy to guess/);
      const set = await sam.post('/staff/password/set', { token, new_password: staffPassword });
      assert.equal(set.statusCode, 303);
      assert.equal(set.headers.location, '/staff/2fa/enrol', 'a new staff member sets up the second factor first');
      assert.equal((await sam.get('/staff')).headers.location, '/staff/2fa/enrol', 'the console stays closed until then');
      const enrol = await sam.get('/staff/2fa/enrol');
      const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(enrol.body)![1]!.replace(/ /g, '');
      assert.match(enrol.body, /otpauth:\/\/totp\//);
      const wrongCode = await sam.post('/staff/2fa/enrol', { code: totpCode(secret, stepAt(new Date()) + 5) });
      assert.equal(wrongCode.statusCode, 400);
      assert.match(wrongCode.body, /id="f-code-error">is not the code your app shows now/);
      const enrolled = await sam.post('/staff/2fa/enrol', { code: totpCode(secret, stepAt(new Date())) });
      assert.equal(enrolled.statusCode, 200);
      assert.equal([...enrolled.body.matchAll(/<li><code>[a-z2-7]{5}-[a-z2-7]{5}<\/code><\/li>/g)].length, 10, 'ten recovery codes, shown once');
      assert.match((await sam.get('/staff')).body, /role <strong>support<\/strong>/);
      assert.equal((await sam.get('/staff/users')).statusCode, 403, 'only an owner manages staff');

      // Ninety-one days later the console sends to the password page, and the API refuses.
      await sql`update accounts_users set password_changed_at = now() - interval '91 days' where role = 'support'`.execute(database.db);
      assert.equal((await sam.get('/staff')).headers.location, '/staff/password');
      assert.equal((await sam.json('GET', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=support&categories=user.name')).statusCode, 403);
      const page = await sam.get('/staff/password');
      assert.match(page.body, /more than 90 days old/);
      const changed = await sam.post('/staff/password', { current_password: staffPassword, new_password: 'harbour-violin-64-gently-rests' });
      assert.equal(changed.statusCode, 200);
      assert.match(changed.body, /Your password is changed/);
      assert.equal((await sam.get('/staff')).statusCode, 200);
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P002-20] staff sign-in needs the second factor: a TOTP code used once, or a recovery code used once; wrong codes lock out',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const first = await staffClient(app, database.db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: staffPassword }, '203.0.113.60');
      const secret = first.totpSecret;
      const client = new FormClient(app, '203.0.113.61');
      await client.get('/staff/login');
      const signedIn = await client.post('/staff/login', { email: 'dana@shop.example', password: staffPassword });
      assert.equal(signedIn.headers.location, '/staff/2fa');
      assert.equal((await client.get('/staff')).headers.location, '/staff/2fa', 'the password alone does not open the console');
      assert.equal((await client.json('GET', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=data-rights&categories=user.name')).statusCode, 401);

      await client.get('/staff/2fa');
      const wrong = await client.post('/staff/2fa', { code: '000000' === totpCode(secret, stepAt(new Date())) ? '111111' : '000000' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /id="f-code-error">is not the current code/);
      const code = totpCode(secret, stepAt(new Date()) + 1);
      const next = await client.post('/staff/2fa', { code });
      assert.equal(next.statusCode, 303);
      assert.equal((await client.get('/staff')).statusCode, 200);
      // The same code in another sign-in is refused: a code is never accepted twice.
      const again = new FormClient(app, '203.0.113.65');
      await again.json('POST', '/api/staff/login', { email: 'dana@shop.example', password: staffPassword });
      assert.equal((await again.json('POST', '/api/staff/2fa', { code })).statusCode, 400);
      // A recovery code works once.
      const [recovery] = first.recoveryCodes;
      assert.equal((await again.json('POST', '/api/staff/2fa', { code: recovery! })).statusCode, 204);
      assert.equal(
        (await again.json('GET', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=data-rights&categories=user.name')).statusCode,
        404,
        'signed in: the read reaches the kernel (no such subject)',
      );
      const later = new FormClient(app, '203.0.113.66');
      await later.json('POST', '/api/staff/login', { email: 'dana@shop.example', password: staffPassword });
      assert.equal((await later.json('POST', '/api/staff/2fa', { code: recovery! })).statusCode, 400, 'a recovery code is used up');

      const nora = await staffClient(app, database.db, { name: 'Nora Owner', email: 'nora@shop.example', role: 'owner', password: staffPassword }, '203.0.113.62');
      assert.ok(nora.totpSecret);
      const { rows } = await sql<{ id: string }>`select id from accounts_users where role = 'owner'`.execute(database.db);
      assert.equal(rows.length, 1);
      const api = new FormClient(app, '203.0.113.63');
      const login = await api.json('POST', '/api/staff/login', { email: 'nora@shop.example', password: staffPassword });
      assert.equal(login.json().second_factor, 'required');

      // Five wrong codes lock the second-factor step, even for the right code.
      const attacker = new FormClient(app, '203.0.113.64');
      await attacker.json('POST', '/api/staff/login', { email: 'nora@shop.example', password: staffPassword });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await attacker.json('POST', '/api/staff/2fa', { code: String(100000 + i) })).statusCode);
      assert.deepEqual(statuses, [400, 400, 400, 400, 429]);
      assert.equal((await attacker.json('POST', '/api/staff/2fa', { code: totpCode(nora.totpSecret, stepAt(new Date()) + 1) })).statusCode, 429);
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P000-16][P003-25] the privacy officer has a console entry (audit verification, security events) and their contact is published',
  async (database) => {
    const { app, config } = await buildTestApp(database);
    try {
      const dpo = await staffClient(app, database.db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: staffPassword });
      const support = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: staffPassword });
      // Something to see: a failed sign-in.
      await new FormClient(app, '198.51.100.3').json('POST', '/api/account/login', { email: 'nobody@example.net', password: 'not-a-password-1' });
      assert.match((await dpo.get('/staff')).body, /href="\/staff\/dpo"/);
      const page = await dpo.get('/staff/dpo');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<td data-label="What">login-failed<\/td><td data-label="Detail">reason: wrong<\/td>/);
      assert.doesNotMatch(page.body, /nobody@example|198\.51/);
      const verified = await dpo.post('/staff/dpo/verify', {});
      assert.equal(verified.statusCode, 200);
      assert.match(verified.body, /The audit log verifies/);
      // The console checks against the anchor outside the database: a chain rewritten with every hash
      // recomputed, which verifies on its own, is shown as broken.
      await sealAuditLog(database.db, { anchorPath: anchorPathFor(config.keyringPath) });
      assert.match((await dpo.post('/staff/dpo/verify', {})).body, /The audit log verifies[\s\S]*Anchor outside the database: link \d+, recorded [^,]+, matches the chain/);
      await rewriteAuditChainFrom(database.db, 2);
      const tampered = await dpo.post('/staff/dpo/verify', {});
      assert.equal(tampered.statusCode, 200);
      assert.match(tampered.body, /The audit log does NOT verify/);
      assert.match(tampered.body, /rewritten at or before this link/);
      assert.equal((await support.get('/staff/dpo')).statusCode, 403, 'only the DPO');
      assert.doesNotMatch((await support.get('/staff')).body, /href="\/staff\/dpo"/);
      const contact = await new FormClient(app).get('/privacy/contact');
      assert.equal(contact.statusCode, 200);
      assert.match(contact.body, /designated privacy officer/);
      assert.match(contact.body, /<a href="mailto:privacy@shop.example">privacy@shop.example<\/a>/);
      assert.match(contact.body, /<address>Custodian Demo Shop Inc., Attn: Privacy Officer, 100 Example Avenue, Springfield, IL 62701, United States<\/address>/);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);

testEachDatabase(
  'an owner changes roles and disables staff: their sessions end at once, and the last owner cannot be removed',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const olive = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: staffPassword });
      const sam = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: staffPassword });
      const { rows } = await sql<{ id: string; role: string }>`select id, role from accounts_users where kind = 'staff' order by created_at`.execute(database.db);
      const [oliveId, samId] = rows.map((r) => r.id);
      const probe = `/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=support&categories=user.name`;
      assert.equal((await sam.json('GET', probe)).statusCode, 404, 'signed in');

      assert.equal((await sam.json('POST', `/api/staff/users/${oliveId}`, { status: 'disabled' })).statusCode, 403, 'only an owner');
      const moved = await olive.json('POST', `/api/staff/users/${samId}`, { role: 'fulfilment' });
      assert.equal(moved.statusCode, 200);
      assert.deepEqual(moved.json(), { id: samId, role: 'fulfilment', status: 'active' });
      assert.equal((await sam.json('GET', probe)).statusCode, 401, 'a role change ends their sessions');

      await olive.get('/staff/users');
      const asked = await olive.post(`/staff/users/${samId}`, { role: 'fulfilment', status: 'disabled' });
      assert.match(asked.body, /Disable Sam Support\?/, 'disabling asks first');
      assert.match((await olive.get('/staff/users')).body, /<td data-label="Status">active/, 'nothing changed before the confirmation');
      const disabled = await olive.post(`/staff/users/${samId}`, { role: 'fulfilment', status: 'disabled', confirm: '1' });
      assert.equal(disabled.statusCode, 200);
      assert.match(disabled.body, /Sam Support<\/th><td data-label="Email">sam@shop\.example<\/td><td data-label="Role">fulfilment<\/td><td data-label="Status">disabled/);
      const again = new FormClient(app, '203.0.113.90');
      const login = await again.json('POST', '/api/staff/login', { email: 'sam@shop.example', password: staffPassword });
      assert.equal(login.statusCode, 401, 'a disabled member cannot sign in');
      assert.equal(login.json().error.code, 'LOGIN_FAILED', 'with the same answer as a wrong password');

      const last = await olive.json('POST', `/api/staff/users/${oliveId}`, { role: 'support' });
      assert.equal(last.statusCode, 409);
      assert.equal(last.json().error.fields[0].field, 'body.role');
      assert.equal((await olive.json('POST', `/api/staff/users/${oliveId}`, { status: 'disabled' })).statusCode, 409);
      assert.equal((await olive.json('GET', probe)).statusCode, 404, 'the owner is still signed in');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);

testEachDatabase(
  'an owner re-invites a staff member who lost their password or second factor: both are wiped and only the new link lets them in',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const olive = await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: staffPassword });
      const sam = await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: staffPassword });
      const { rows } = await sql<{ id: string }>`select id from accounts_users where role = 'support'`.execute(database.db);
      assert.equal((await sam.json('POST', `/api/staff/users/${rows[0]!.id}/reinvite`, {})).statusCode, 403);
      assert.equal((await olive.json('POST', `/api/staff/users/${rows[0]!.id}/reinvite`, {})).statusCode, 202);
      assert.equal((await sam.json('GET', '/api/staff/customers/00000000-0000-4000-8000-000000000000?purpose=support&categories=user.name')).statusCode, 401, 'their sessions ended');
      const again = new FormClient(app, '203.0.113.91');
      assert.equal((await again.json('POST', '/api/staff/login', { email: 'sam@shop.example', password: staffPassword })).statusCode, 401, 'the old password is gone');

      const link = new URL((await queuedMail(database.db, 'accounts.staff-invitation', app.privacy)).at(-1)!.params.link!);
      const form = await again.get(link.pathname + link.search);
      const token = /name="token" value="([^"]+)"/.exec(form.body)![1]!;
      const set = await again.post('/staff/password/set', { token, new_password: 'harbour-violin-64-gently-rests' });
      assert.equal(set.headers.location, '/staff/2fa/enrol', 'and a new second factor is set up');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
