import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { selfActor, staffActor, testActor } from '../actors.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { testKernel } from '../testing.ts';
import { signalPurposes } from './signal.ts';

testEachDatabase("a browser's opt-out signal withdraws the covered purposes once, only for the person themself; its channels are the signal path's alone", async (database) => {
  const db = database.db;
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: testActor('test'), purpose: 'account' });
  const other = await kernel.createSubject(db, { kind: 'customer', actor: testActor('test'), purpose: 'account' });
  const me = selfActor(subject);
  const rows = async () =>
    (await sql<{ purpose: string; action: string; channel: string }>`select purpose, action, channel from privacy_consents where subject_id = ${subject}::uuid order by id`.execute(db)).rows;

  // Covered: targeted marketing and profiling uses a person may refuse; never a contract or legal use.
  assert.deepEqual(signalPurposes(kernel.map), ['recommendations', 'cpni-marketing']);

  await kernel.recordConsent(db, { subject, purpose: 'cpni-marketing', action: 'withdraw', channel: 'web', actor: me });
  assert.deepEqual(await kernel.honourSignal(db, { subject, signal: 'dnt', actor: me }), ['recommendations'], 'a purpose already off is left alone');
  assert.deepEqual(await kernel.honourSignal(db, { subject, signal: 'dnt', actor: me }), [], 'a repeat writes nothing');
  await kernel.recordConsent(db, { subject, purpose: 'recommendations', action: 'grant', channel: 'web', actor: me });
  assert.deepEqual(await kernel.honourSignal(db, { subject, signal: 'dnt', actor: me }), [], 'the person turned it back on after the signal: their choice stands');
  assert.deepEqual(await kernel.honourSignal(db, { subject, signal: 'gpc', actor: me }), ['recommendations'], 'another signal is its own');
  assert.deepEqual(
    (await rows()).map((r) => `${r.purpose} ${r.action} ${r.channel}`),
    ['cpni-marketing withdraw web', 'recommendations withdraw dnt', 'recommendations grant web', 'recommendations withdraw gpc'],
  );

  await assert.rejects(kernel.honourSignal(db, { subject: other, signal: 'gpc', actor: me }), (err) => err instanceof PrivacyRefusal && err.reason === 'not-own-data');
  await assert.rejects(kernel.honourSignal(db, { subject, signal: 'gpc', actor: staffActor('00000000-0000-4000-8000-00000000aaaa', 'support') }), PrivacyRefusal);
  await assert.rejects(kernel.recordConsent(db, { subject, purpose: 'recommendations', action: 'withdraw', channel: 'gpc', actor: me }), /channel/);
});
