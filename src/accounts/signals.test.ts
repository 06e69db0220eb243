import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { recentSecurityEvents } from './security-events.ts';
import { runRetention } from '../privacy/index.ts';
import { customer, FormClient, queuedMail, signUpAndConfirm, staffClient } from './testing.ts';

testEachDatabase('[P002-19] a sign-in from a network the user has not used before is recorded (as a digest, never the address)', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await signUpAndConfirm(new FormClient(app), database.db);
    const signIn = async (ip: string) => {
      const res = await new FormClient(app, ip).json('POST', '/api/account/login', { email: customer.email, password: customer.password });
      assert.equal(res.statusCode, 200);
      return (await recentSecurityEvents(database.db, { kind: 'new-network' })).length;
    };
    assert.equal(await signIn('203.0.113.5'), 0, 'the first network is not "new"');
    assert.equal(await signIn('203.0.113.5'), 0);
    assert.equal(await signIn('2001:db8:1:2::10'), 1, 'another network is');
    assert.equal(await signIn('2001:db8:1:2::99'), 1, 'the same IPv6 /64 is the same network');
    assert.equal(await signIn('198.51.100.7'), 2);
    const [event] = await recentSecurityEvents(database.db, { kind: 'new-network' });
    assert.deepEqual(event!.detail, { user_kind: 'customer' });
    // The customer is told of each new network, by mail to their own address.
    const notices = await queuedMail(database.db, 'accounts.new-network');
    assert.equal(notices.length, 2);
    const { rows: users } = await sql<{ subject_id: string }>`select subject_id from accounts_users`.execute(database.db);
    assert.ok(notices.every((n) => n.subject_id === users[0]!.subject_id && /\/account\/reset/.test(n.params.advice!)));
    assert.ok(!JSON.stringify(notices).match(/203\.0|2001|198\.51/), 'the notice names no address');
    const { rows } = await sql<{ network: Buffer }>`select network from accounts_known_networks`.execute(database.db);
    assert.equal(rows.length, 3);
    assert.ok(
      rows.every((r) => !/203\.0|2001|198\.51/.test(Buffer.from(r.network).toString('latin1'))),
      'stored as digests',
    );

    await runRetention({ db: database.db, kernel: app.privacy, stores: app.wiring.retention ?? [], now: new Date(Date.now() + 31 * 86_400_000) });
    const after = await sql<{ n: number }>`select count(*)::int as n from accounts_known_networks`.execute(database.db);
    assert.equal(after.rows[0]!.n, 0, "networks are forgotten after the data map's 30 days unseen");
  } finally {
    await app.close();
  }
});

testEachDatabase('network digests are keyed outside the database; they and the security events are kept as long as the data map says', async (database) => {
  // A data map whose security retention of IP data is 12 days instead of 30.
  const datamap = mkdtempSync(join(tmpdir(), 'custodian-datamap-'));
  cpSync(fileURLToPath(new URL('../../datamap/', import.meta.url)), datamap, { recursive: true });
  const retention = join(datamap, 'retention.yml');
  const text = readFileSync(retention, 'utf8');
  const rule = '{ category: user.device.ip_address, purpose: security, days: 30,';
  assert.ok(text.includes(rule));
  writeFileSync(retention, text.replace(rule, '{ category: user.device.ip_address, purpose: security, days: 12,'));
  const { app } = await buildTestApp(database, { DATAMAP_DIR: datamap });
  try {
    await signUpAndConfirm(new FormClient(app), database.db);
    const signIn = await new FormClient(app, '203.0.113.77').json('POST', '/api/account/login', { email: customer.email, password: customer.password });
    assert.equal(signIn.statusCode, 200);
    const { rows } = await sql<{ network: Buffer }>`select network from accounts_known_networks`.execute(database.db);
    assert.equal(rows.length, 1);
    const stored = Buffer.from(rows[0]!.network);

    // No key in the database can make that digest: trying every key-sized value it holds fails.
    const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users`.execute(database.db)).rows[0]!.subject_id;
    assert.ok(
      stored.equals(await app.privacy.subjectDigest(database.db, { subject, domain: 'accounts.network', value: '203.0.113.77' })),
      "the digest is the kernel's digest under the account holder's key",
    );
    assert.ok(!stored.equals(app.privacy.keyedDigest('accounts.network', '203.0.113.77')), 'not the shared keyring digest');
    const { rows: secrets } = await sql<{ name: string; value: Buffer }>`select name, value from accounts_secrets`.execute(database.db);
    assert.deepEqual(
      secrets.map((r) => r.name),
      ['csrf'],
      'no digest key is kept in the database',
    );
    for (const { value } of secrets) {
      for (const label of ['network\0', '']) {
        assert.ok(!createHmac('sha256', Buffer.from(value)).update(`${label}203.0.113.77`).digest().equals(stored));
      }
    }

    assert.equal(app.privacy.retention('user.device.ip_address', 'security').days, 12);
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from accounts_known_networks`.execute(database.db)).rows[0]!.n;
    await sql`insert into accounts_security_events (at, kind) values (now(), 'login-failed')`.execute(database.db);
    const events = async () => (await sql<{ n: number }>`select count(*)::int as n from accounts_security_events`.execute(database.db)).rows[0]!.n;
    const eventsBefore = await events();
    await runRetention({ db: database.db, kernel: app.privacy, stores: app.wiring.retention ?? [], now: new Date(Date.now() + 11 * 86_400_000) });
    assert.equal(await count(), 1, "kept within the map's 12 days");
    assert.equal(await events(), eventsBefore, "security events kept within the map's 12 days");
    await runRetention({ db: database.db, kernel: app.privacy, stores: app.wiring.retention ?? [], now: new Date(Date.now() + 13 * 86_400_000) });
    assert.equal(await count(), 0, "swept after the map's 12 days");
    assert.equal(await events(), 0, "security events swept after the map's 12 days too");
  } finally {
    await app.close();
  }
});

testEachDatabase('[P002-19] rate-limit hits are recorded (one event a minute, with the count) and owners are mailed', async (database) => {
  const { app } = await buildTestApp(database, { RATE_LIMIT_PER_MINUTE: '3' });
  try {
    await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' }, '192.0.2.200');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await app.inject({ url: '/healthz', remoteAddress: '198.51.100.50' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    const events = await recentSecurityEvents(database.db, { kind: 'rate-limited' });
    assert.equal(events.length, 1, 'one event for the burst');
    assert.deepEqual(events[0]!.detail, { hits: 1 }, 'the first hit is recorded at once; the rest are counted into the next event');
    assert.ok(!JSON.stringify(events).includes('198.51'), 'no address is kept');
    const alerts = await queuedMail(database.db, 'accounts.security-alert');
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.params.event!, /rate limit/);
  } finally {
    await app.close();
  }
});

testEachDatabase('[P002-19] a staff sign-in from a new network alerts the owners and DPOs by mail', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const password = 'amber-lighthouse-27-quietly-sings';
    await staffClient(app, database.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password }, '192.0.2.10');
    await staffClient(app, database.db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password }, '192.0.2.11');
    assert.equal((await queuedMail(database.db, 'accounts.security-alert')).length, 0, 'first networks are not new');
    const away = await new FormClient(app, '203.0.113.99').json('POST', '/api/staff/login', { email: 'sam@shop.example', password });
    assert.equal(away.statusCode, 200);
    const alerts = await queuedMail(database.db, 'accounts.security-alert');
    const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where role = 'owner'`.execute(database.db);
    assert.deepEqual(
      alerts.map((a) => a.subject_id),
      [rows[0]!.subject_id],
      'the owner is alerted',
    );
    assert.match(alerts[0]!.params.event!, /new network|not used before/);
    assert.ok(!JSON.stringify(alerts).includes('203.0.113'), 'the alert names no address');
    assert.equal((await queuedMail(database.db, 'accounts.new-network')).length, 0, "staff are covered by the owners' alert");
  } finally {
    await app.close();
  }
});
