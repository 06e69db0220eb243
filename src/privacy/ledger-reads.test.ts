import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { selfActor, staffActor, testActor, vendorActor } from './actors.ts';
import { PrivacyRefusal } from './refusals.ts';
import { testKernel } from './testing.ts';

const EVIDENCE = 'signed paper form 2025-03, ref PF-88412';

async function auditRows(db: Parameters<typeof testKernel>[0], subject: string, action: string) {
  const { rows } = await sql<{ actor_kind: string; actor_id: string; purpose: string | null; outcome: string }>`
    select actor_kind, actor_id, purpose, outcome from privacy_audit_log where subject_id = ${subject}::uuid and action = ${action} order by id`.execute(db);
  return rows;
}

testEachDatabase('reading the consent ledger (evidence decrypted), consent state, disclosures and notices needs an actor and a purpose, is checked and audited', async (database) => {
  const db = database.db;
  const { kernel } = await testKernel(db);
  const system = testActor('test');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  const other = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'paper', actor: staffActor('00000000-0000-4000-8000-00000000aaaa', 'support'), evidence: EVIDENCE });

  // At the type level: a read that names no actor or purpose does not compile.
  const typeChecks = () => {
    // @ts-expect-error the subject alone is no longer a request
    void kernel.consentLedger(db, subject);
    // @ts-expect-error no actor, no purpose
    void kernel.consentLedger(db, { subject });
    // @ts-expect-error no purpose
    void kernel.consentState(db, { subject, actor: system });
    // @ts-expect-error no actor
    void kernel.disclosuresOf(db, { subject, purpose: 'data-rights' });
    // @ts-expect-error no actor, no purpose
    void kernel.noticesOf(db, subject);
  };
  void typeChecks;

  // At run time, for callers that skip the types: refused before anything is read.
  const untyped = kernel as unknown as Record<string, (db: unknown, r: unknown) => Promise<unknown>>;
  for (const method of ['consentLedger', 'consentState', 'disclosuresOf', 'noticesOf']) {
    await assert.rejects(untyped[method]!(db, subject), (e) => e instanceof PrivacyRefusal && e.reason === 'forged-actor', `${method} with a bare subject`);
    await assert.rejects(untyped[method]!(db, { subject, purpose: 'data-rights' }), /actor/, `${method} without an actor`);
    await assert.rejects(untyped[method]!(db, { subject, actor: { kind: 'staff' }, purpose: 'data-rights' }), /actor/, `${method} with a made-up actor`);
    await assert.rejects(untyped[method]!(db, { subject, actor: system }), (e) => e instanceof PrivacyRefusal && e.reason === 'unknown-purpose', `${method} without a purpose`);
  }
  const refusals = async () => (await Promise.all(['consent.read', 'disclosure.read', 'notice.read'].map((a) => auditRows(db, subject, a)))).flat().filter((r) => r.outcome === 'refused').length;
  assert.equal(await refusals(), 12, 'each missing purpose (4) and each missing or made-up actor naming the subject (8) is a refusal on record');

  // Who may not: another person, a vendor, a staff role without the purpose or without sight of privacy preferences.
  const refusedBy = async (actor: Parameters<typeof kernel.consentLedger>[1]['actor'], purpose: string, reason: string) =>
    assert.rejects(kernel.consentLedger(db, { subject, actor, purpose }), (e) => e instanceof PrivacyRefusal && e.reason === reason, `${JSON.stringify(actor)} under ${purpose}`);
  await refusedBy(selfActor(other), 'data-rights', 'not-own-data');
  await refusedBy(vendorActor('v-1'), 'support', 'vendor-needs-disclosure');
  await refusedBy(staffActor('00000000-0000-4000-8000-00000000bbbb', 'marketing'), 'data-rights', 'role-may-not-use-purpose');
  await refusedBy(staffActor('00000000-0000-4000-8000-00000000bbbb', 'marketing'), 'newsletters', 'role-may-not-see-category');
  await refusedBy(staffActor('00000000-0000-4000-8000-00000000cccc', 'fulfilment'), 'fulfillment', 'role-may-not-see-category');
  await assert.rejects(kernel.disclosuresOf(db, { subject, actor: selfActor(other), purpose: 'data-rights' }), (e) => e instanceof PrivacyRefusal && e.reason === 'not-own-data');
  await assert.rejects(kernel.noticesOf(db, { subject, actor: vendorActor('v-1'), purpose: 'support' }), (e) => e instanceof PrivacyRefusal);

  // The person themself, and the DPO: allowed, the evidence decrypted, each read one audit entry naming actor and purpose.
  const before = (await auditRows(db, subject, 'consent.read')).length;
  const own = await kernel.consentLedger(db, { subject, actor: selfActor(subject), purpose: 'data-rights' });
  assert.equal(own[0]!.evidence, EVIDENCE);
  const dpo = staffActor('00000000-0000-4000-8000-00000000dddd', 'dpo');
  assert.equal((await kernel.consentLedger(db, { subject, actor: dpo, purpose: 'data-rights' }))[0]!.evidence, EVIDENCE);
  assert.equal((await kernel.consentState(db, { subject, actor: selfActor(subject), purpose: 'data-rights' }))[0]!.state, 'granted');
  assert.deepEqual(await kernel.disclosuresOf(db, { subject, actor: dpo, purpose: 'data-rights' }), []);
  assert.deepEqual(await kernel.noticesOf(db, { subject, actor: selfActor(subject), purpose: 'data-rights' }), []);
  const reads = (await auditRows(db, subject, 'consent.read')).slice(before);
  assert.deepEqual(
    reads.map((r) => [r.actor_kind, r.purpose, r.outcome]),
    [
      ['self', 'data-rights', 'ok'],
      ['staff', 'data-rights', 'ok'],
      ['self', 'data-rights', 'ok'],
    ],
  );
  assert.deepEqual(
    (await auditRows(db, subject, 'disclosure.read')).filter((r) => r.outcome === 'ok').map((r) => r.actor_kind),
    ['staff'],
  );
  assert.deepEqual(
    (await auditRows(db, subject, 'notice.read')).filter((r) => r.outcome === 'ok').map((r) => r.actor_kind),
    ['self'],
  );
  await kernel.flush();
});
