// Consent changes staff record for a person (decision 0030): who may, with what, and the DPO's
// review on the console; and the privacy centre's reads of the consent ledger are audited.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { selfActor, staffActor, PrivacyRefusal } from '../privacy/index.ts';
import { testActor, countAuditEntries, countSubjectAudit } from '../privacy/testing.ts';
import { FormClient, signUpAndConfirm, staffClient } from './testing.ts';
import type { Db } from '../platform/db/database.ts';

const password = 'amber-lighthouse-27-quietly-sings';
const CALL = 'call ref C-2291: asked again for the newsletter';

async function staffIdsByRole(db: Db): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; role: string }>`select id, role from accounts_users where kind = 'staff'`.execute(db);
  return new Map(rows.map((r) => [r.role, r.id]));
}

const refused = (reason: string) => (e: unknown) => e instanceof PrivacyRefusal && e.reason === reason;

testEachDatabase(
  "a marketing staff member cannot lift a customer's opt-out, nor record their consent; support only with evidence and off the web",
  async (database) => {
    const { app } = await buildTestApp(database);
    const db = database.db;
    try {
      const system = testActor('test');
      const subject = await app.privacy.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
      await app.privacy.write(db, { subject, actor: system, purpose: 'account', values: { 'user.contact.email': 'olive.optout@example.test' } });
      await app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'withdraw', channel: 'web', actor: selfActor(subject), evidence: 'privacy centre' });
      await app.privacy.restrict(db, { subject, actor: selfActor(subject) });

      // Through the console form: a marketing staff member is refused, and nothing changes.
      const marketer = await staffClient(app, db, { name: 'Mo Marketing', email: 'mo@shop.example', role: 'marketing', password });
      await marketer.get('/staff/consents');
      const lifted = await marketer.post('/staff/consents', { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', evidence: 'said yes on the phone' });
      assert.equal(lifted.statusCode, 403);
      assert.match(lifted.body, /marketing role may not record/);
      const marketing = staffActor((await staffIdsByRole(db)).get('marketing')!, 'marketing');
      await assert.rejects(
        app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', actor: marketing, evidence: 'said yes on the phone' }),
        refused('role-may-not-record-consent'),
      );
      await assert.rejects(app.privacy.reactivate(db, { subject, actor: marketing }), refused('role-may-not-record-consent'));
      for (const role of ['fulfilment', 'accountant'] as const) {
        await assert.rejects(
          app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'paper', actor: staffActor('00000000-0000-4000-8000-0000000000ab', role), evidence: 'form' }),
          refused('role-may-not-record-consent'),
        );
      }
      // Nobody on staff lifts an opt-out of all communication: that is the person's own act.
      await assert.rejects(app.privacy.reactivate(db, { subject, actor: staffActor('00000000-0000-4000-8000-0000000000ac', 'owner') }), refused('role-may-not-record-consent'));
      // Nor does the system give consent on anyone's behalf.
      await assert.rejects(app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'email', actor: system }), refused('role-may-not-record-consent'));

      const support = staffActor('00000000-0000-4000-8000-0000000000ad', 'support');
      await assert.rejects(app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', actor: support }), { code: 'VALIDATION_FAILED', message: /evidence/ });
      await assert.rejects(app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', actor: support, evidence: '   ' }), {
        code: 'VALIDATION_FAILED',
        message: /evidence/,
      });
      await assert.rejects(app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'web', actor: support, evidence: CALL }), {
        code: 'VALIDATION_FAILED',
        message: /channel/,
      });

      const state = await app.privacy.consentState(db, { subject, actor: system, purpose: 'data-rights' });
      assert.deepEqual(
        state.map((s) => [s.purpose, s.state]),
        [['newsletters', 'withdrawn']],
        'the opt-out still holds',
      );
      await assert.rejects(app.privacy.read(db, { subject, actor: system, purpose: 'newsletters', categories: ['user.contact.email'] }), refused('opted-out'));
      await app.privacy.flush();
      assert.equal(await countSubjectAudit(db, { subject, action: 'consent.grant', outcome: 'refused' }), 5, 'each refused grant is on record');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);

testEachDatabase(
  '[P003-09] support records a consent given by phone on the console: the entry carries channel, time, recorder, policy version and evidence; it waits on the DPO console, and the DPO reverses it (the opt-out holds again) or confirms it',
  async (database) => {
    const { app } = await buildTestApp(database);
    const db = database.db;
    try {
      const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password });
      const supportClient = await staffClient(app, db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password });
      const ids = await staffIdsByRole(db);
      const support = staffActor(ids.get('support')!, 'support');
      const officer = staffActor(ids.get('dpo')!, 'dpo');
      assert.match((await dpo.get('/staff/dpo')).body, /No consent recorded by staff is waiting for your review/);

      const system = testActor('test');
      const subject = await app.privacy.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
      await app.privacy.write(db, { subject, actor: system, purpose: 'account', values: { 'user.name': 'Rowena Reviewfield', 'user.contact.email': 'rowena@example.test' } });
      await app.privacy.recordConsent(db, { subject, purpose: 'newsletters', action: 'withdraw', channel: 'web', actor: selfActor(subject), evidence: 'privacy centre' });
      const stateOf = async (purpose: string) => (await app.privacy.consentState(db, { subject, actor: system, purpose: 'data-rights' })).find((s) => s.purpose === purpose)?.state;

      // Support records on the console, from a call, that the person wants the newsletter again: it takes effect and waits for review.
      await supportClient.get('/staff/consents');
      const unproven = await supportClient.post('/staff/consents', { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', evidence: '' });
      assert.equal(unproven.statusCode, 400, 'no evidence, no record');
      assert.match(unproven.body, /f-evidence/);
      assert.equal(await stateOf('newsletters'), 'withdrawn');
      const recorded = await supportClient.post('/staff/consents', { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', evidence: CALL });
      assert.equal(recorded.statusCode, 200, recorded.body.slice(0, 500));
      const granted = Number(/Recorded as entry (\d+)/.exec(recorded.body)?.[1]);
      assert.ok(granted > 0);
      assert.equal(await stateOf('newsletters'), 'granted');
      const page = await dpo.get('/staff/dpo');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Consents recorded by staff/);
      assert.match(page.body, new RegExp(`action="/staff/dpo/consents/${granted}"`));
      assert.ok(page.body.includes('call ref C-2291'), 'the evidence is shown to the DPO');
      assert.match(page.body, /<td data-label="By">support [0-9a-f]{8}<\/td>/, 'who recorded it, by role');
      assert.doesNotMatch(page.body, /Rowena|Reviewfield|rowena@/, 'no personal value but the evidence');

      // Only the DPO reviews.
      await supportClient.get('/staff');
      assert.equal((await supportClient.post(`/staff/dpo/consents/${granted}`, { decision: 'confirmed' })).statusCode, 403);
      assert.equal((await dpo.post(`/staff/dpo/consents/${granted}`, { decision: 'maybe' })).statusCode, 400);

      const reversed = await dpo.post(`/staff/dpo/consents/${granted}`, { decision: 'reversed' });
      assert.equal(reversed.statusCode, 200, reversed.body.slice(0, 300));
      assert.match(reversed.body, /reversed: what held before it holds again/);
      assert.doesNotMatch(reversed.body, new RegExp(`/staff/dpo/consents/${granted}"`), 'a reviewed entry leaves the list');
      assert.equal(await stateOf('newsletters'), 'withdrawn', 'the opt-out holds again');
      await assert.rejects(app.privacy.read(db, { subject, actor: system, purpose: 'newsletters', categories: ['user.contact.email'] }), refused('consent-withdrawn'));
      const ledger = await app.privacy.consentLedger(db, { subject, actor: officer, purpose: 'data-rights' });
      assert.deepEqual(
        ledger.map((e) => [e.action, e.recordedByKind]),
        [
          ['withdraw', 'self'],
          ['grant', 'staff'],
          ['withdraw', 'staff'],
        ],
      );
      // The entry support made on the console: its channel, time, recorder, the policy version in force and the evidence.
      const inForce = app.privacy.map.policyVersions.filter((v) => v.effective <= new Date()).at(-1)!.version;
      const byPhone = ledger[1]!;
      assert.deepEqual({ channel: byPhone.channel, policy: byPhone.policyVersion, evidence: byPhone.evidence }, { channel: 'phone', policy: inForce, evidence: CALL });
      assert.ok(byPhone.recordedBy.includes(ids.get('support')!), `recorded by the support member (${byPhone.recordedBy})`);
      assert.ok(Math.abs(Date.now() - byPhone.recordedAt.getTime()) < 10 * 60_000, 'at the time it was recorded');
      assert.match(ledger[2]!.evidence ?? '', new RegExp(`review of entry ${granted}`));
      const again = await dpo.post(`/staff/dpo/consents/${granted}`, { decision: 'confirmed' });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /already reviewed/);

      // A withdrawal support recorded from a letter: the DPO confirms it.
      const withdrawn = await app.privacy.recordConsent(db, { subject, purpose: 'offers', action: 'withdraw', channel: 'paper', actor: support, evidence: 'letter of 3 March, "no more offers"' });
      const confirmed = await dpo.post(`/staff/dpo/consents/${withdrawn}`, { decision: 'confirmed' });
      assert.equal(confirmed.statusCode, 200);
      assert.match(confirmed.body, /The consent entry is confirmed/);
      assert.equal(await stateOf('offers'), 'withdrawn');

      // The person chose again after a staff entry: reversing it would overrule them, so it is refused.
      const stale = await app.privacy.recordConsent(db, { subject, purpose: 'surveys', action: 'withdraw', channel: 'email', actor: support, evidence: 'mail of 4 March' });
      await app.privacy.recordConsent(db, { subject, purpose: 'surveys', action: 'grant', channel: 'web', actor: selfActor(subject) });
      const overruled = await dpo.post(`/staff/dpo/consents/${stale}`, { decision: 'reversed' });
      assert.equal(overruled.statusCode, 409);
      assert.match(overruled.body, /chosen again since/);
      assert.equal(await stateOf('surveys'), 'granted');

      // An entry the DPO recorded is reviewed by another officer, never by themself.
      const own = await app.privacy.recordConsent(db, { subject, purpose: 'testimonials', action: 'withdraw', channel: 'phone', actor: officer, evidence: 'call ref C-2300' });
      assert.match((await dpo.get('/staff/dpo')).body, /You recorded it: another privacy officer reviews it/);
      assert.equal((await dpo.post(`/staff/dpo/consents/${own}`, { decision: 'confirmed' })).statusCode, 409);

      await app.privacy.flush();
      assert.equal(await countSubjectAudit(db, { subject, action: 'consent.review' }), 2, 'each review is audited');
      assert.ok((await countSubjectAudit(db, { subject, action: 'consent.read' })) >= 1, 'reading the evidence on the console is audited');
    } finally {
      await app.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'the privacy centre reads the consent ledger as the person, under data-rights, and the read is audited',
  async (database) => {
    const { app } = await buildTestApp(database);
    const db = database.db;
    try {
      const client = new FormClient(app);
      await signUpAndConfirm(client, db);
      const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db);
      const subject = rows[0]!.subject_id;
      const before = await countSubjectAudit(db, { subject, action: 'consent.read' });
      const centre = await client.get('/account/privacy');
      assert.equal(centre.statusCode, 200);
      const after = await countSubjectAudit(db, { subject, action: 'consent.read' });
      assert.ok(after > before, "the centre's read of the consent ledger is audited");
      assert.equal(await countAuditEntries(db, { action: 'consent.read', actorKind: 'self', purpose: 'data-rights' }), after, 'as the person, under data-rights');
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
