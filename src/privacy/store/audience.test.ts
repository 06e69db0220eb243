// The kernel's list of whom a contacting purpose may reach: one statement per page, with the same
// conditions a read checks (consent, opt-out, status, kind, an address), audited as one lookup.
import assert from 'node:assert/strict';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { selfActor, staffActor, systemActor, testActor } from '../actors.ts';
import { PrivacyRefusal } from '../refusals.ts';
import { countAuditEntries, testKernel } from '../testing.ts';

testEachDatabase(
  'audience: a consent purpose lists those with a current grant, an opt-out purpose those who did not withdraw; restricted, erased, other kinds and people without an address never; pages in id order',
  async (database) => {
    const db = database.db;
    const { kernel } = await testKernel(db);
    const system = testActor('test');
    const person = async (email: string | null, kind = 'customer') => {
      const subject = await kernel.createSubject(db, { kind, actor: system, purpose: 'data-rights' });
      if (email) await kernel.write(db, { subject, actor: system, purpose: 'data-rights', values: { 'user.contact.email': email, 'user.name': 'N' } });
      return subject;
    };
    const [granted, withdrew, silent, restricted, erased, noAddress, staff] = [
      await person('granted@example.org'),
      await person('withdrew@example.org'),
      await person('silent@example.org'),
      await person('restricted@example.org'),
      await person('erased@example.org'),
      await person(null),
      await person('staff@example.org', 'staff'),
    ];
    for (const s of [granted, withdrew, restricted, erased, noAddress, staff])
      await kernel.recordConsent(db, { subject: s, purpose: 'newsletters', action: 'grant', channel: 'web', actor: selfActor(s) });
    await kernel.recordConsent(db, { subject: withdrew, purpose: 'newsletters', action: 'withdraw', channel: 'web', actor: selfActor(withdrew) });
    await kernel.recordConsent(db, { subject: withdrew, purpose: 'offers', action: 'withdraw', channel: 'web', actor: selfActor(withdrew) });
    await kernel.restrict(db, { subject: restricted, actor: system });
    await kernel.erase(db, { subject: erased, actor: system });

    const actor = systemActor('mailing.campaign');
    const sorted = (ids: string[]) => [...ids].sort();
    assert.deepEqual(await kernel.audience(db, { actor, purpose: 'newsletters' }), [granted]);
    assert.deepEqual(await kernel.audience(db, { actor, purpose: 'offers' }), sorted([granted, silent]));
    const first = await kernel.audience(db, { actor, purpose: 'offers', limit: 1 });
    const second = await kernel.audience(db, { actor, purpose: 'offers', limit: 1, after: first[0]! });
    assert.deepEqual([...first, ...second], sorted([granted, silent]), 'pages follow on in id order');
    assert.deepEqual(await kernel.audience(db, { actor, purpose: 'offers', after: second[0]! }), []);
    assert.ok((await countAuditEntries(db, { action: 'data.lookup', purpose: 'offers' })) >= 4, 'each page is audited');

    // choiceBefore: the latest grant of the purpose, or without one the record's creation, at or before the date.
    assert.deepEqual(await kernel.audience(db, { actor, purpose: 'offers', choiceBefore: new Date(Date.now() - 86_400_000) }), [], 'everyone chose today');
    const cutoff = new Date(Date.now() + 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await kernel.recordConsent(db, { subject: silent, purpose: 'offers', action: 'grant', channel: 'web', actor: selfActor(silent) });
    assert.deepEqual(await kernel.audience(db, { actor, purpose: 'offers', choiceBefore: cutoff }), [granted], 'a grant after the date counts from the grant');
    assert.deepEqual(await kernel.audience(db, { actor, purpose: 'offers', choiceBefore: new Date(Date.now() + 60_000) }), sorted([granted, silent]));

    const refused = async (p: Promise<unknown>) =>
      p.then(
        () => 'no refusal',
        (err: unknown) => (err instanceof PrivacyRefusal ? err.reason : String(err)),
      );
    assert.equal(await refused(kernel.audience(db, { actor: selfActor(granted), purpose: 'newsletters' })), 'not-own-data');
    assert.equal(await refused(kernel.audience(db, { actor: staffActor('00000000-0000-4000-8000-00000000aaaa', 'fulfilment'), purpose: 'newsletters' })), 'role-may-not-use-purpose');
    assert.equal(await refused(kernel.audience(db, { actor, purpose: 'account' })), 'job-may-not-use-purpose');
    assert.equal(await refused(kernel.audience(db, { actor: system, purpose: 'account' })), 'role-may-not-use-purpose', 'a purpose that contacts nobody lists nobody');
    await assert.rejects(kernel.audience(db, { actor, purpose: 'offers', limit: 5000 }), { code: 'VALIDATION_FAILED' });
  },
);
