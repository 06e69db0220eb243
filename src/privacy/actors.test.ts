// Actors are minted, not written down (decision 0026): the kernel refuses, and audits, an actor
// object it did not mint, and confines a system actor to the purposes the data map grants its job.
import assert from 'node:assert/strict';
import test from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { staffActor, systemActor, testActor, type Actor } from './actors.ts';
import { loadDataMap } from './datamap/load.ts';
import { PrivacyRefusal } from './refusals.ts';
import { testKernel } from './testing.ts';
import type { Db } from '../platform/db/database.ts';

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PrivacyRefusal) return err.reason;
    throw err;
  }
  assert.fail('expected a privacy refusal');
}

async function refusals(db: Db, reason: string) {
  const { rows } = await sql<{ action: string; actor_kind: string; actor_id: string; subject_id: string | null }>`
    select action, actor_kind, actor_id, subject_id from privacy_audit_log where outcome = 'refused' and detail->>'reason' = ${reason} order by id`.execute(db);
  return rows;
}

const values = {
  'user.name': 'Araminta Fothergill',
  'user.contact.email': 'araminta@example.test',
  'user.contact.address': { street: '4 Quayside', city: 'Hull', postal_code: 'HU1 1AA', country: 'GB' },
};

testEachDatabase("a forged actor object is refused by every kernel call that names an actor, and the refusal is audited under the kernel's own job", async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: testActor('test'), purpose: 'fulfillment' });
  await kernel.write(db, { subject, actor: testActor('test'), purpose: 'fulfillment', values });

  // What any module could write down: an owner, a DPO, the system. Looks the same, is not minted.
  const forged: Actor[] = [
    { kind: 'staff', staffId: 'x', role: 'owner' },
    { kind: 'staff', staffId: 'x', role: 'dpo' },
    { kind: 'system', job: 'checkout' },
    { kind: 'self', subjectId: subject },
  ];
  for (const actor of forged) {
    assert.equal(await reason(kernel.read(db, { subject, actor, purpose: 'fulfillment', categories: ['user.name', 'user.contact.address'] })), 'forged-actor');
    assert.equal(await reason(kernel.write(db, { subject, actor, purpose: 'fulfillment', values: { 'user.name': 'Someone Else' } })), 'forged-actor');
    assert.equal(await reason(kernel.findSubjects(db, { category: 'user.contact.email', value: values['user.contact.email'], actor, purpose: 'fulfillment' })), 'forged-actor');
    assert.equal(await reason(kernel.erase(db, { subject, actor })), 'forged-actor');
    assert.equal(await reason(kernel.accessLog(db, { subject, actor })), 'forged-actor');
    assert.equal(await reason(kernel.evidence(db, actor)), 'forged-actor');
  }
  // A minted actor cannot be altered into another one.
  const minted = staffActor('00000000-0000-4000-8000-000000000001', 'fulfilment');
  assert.throws(() => ((minted as { role: string }).role = 'dpo'));
  // A copy of a minted actor is a forgery too.
  assert.equal(await reason(kernel.read(db, { subject, actor: { ...minted }, purpose: 'fulfillment', categories: ['user.name'] })), 'forged-actor');

  await kernel.flush();
  const audited = await refusals(db, 'forged-actor');
  assert.equal(audited.length, forged.length * 6 + 1);
  assert.ok(
    audited.every((r) => r.actor_kind === 'system' && r.actor_id === 'privacy.guard'),
    "refusals name the kernel's declared job, never the forged object",
  );
  assert.ok(audited.some((r) => r.action === 'data.read' && r.subject_id === subject));
  // The person's data is as it was.
  const record = await kernel.read(db, { subject, actor: minted, purpose: 'fulfillment', categories: ['user.name'] });
  assert.equal(record.values['user.name'], values['user.name']);
});

testEachDatabase('a system actor reads only under the purposes the data map grants its job; an undeclared job reads nothing', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: testActor('test'), purpose: 'fulfillment' });
  await kernel.write(db, { subject, actor: testActor('test'), purpose: 'fulfillment', values });

  // checkout may use fulfillment: its own purpose.
  const checkout = systemActor('checkout');
  assert.equal((await kernel.read(db, { subject, actor: checkout, purpose: 'fulfillment', categories: ['user.name'] })).values['user.name'], values['user.name']);
  // ...but not support, data-rights or a marketing purpose, though those purposes may use the name.
  for (const purpose of ['support', 'data-rights', 'offers']) {
    assert.equal(await reason(kernel.read(db, { subject, actor: checkout, purpose, categories: ['user.name'] })), 'job-may-not-use-purpose', purpose);
  }
  // The mail sender may not look a person up for data rights; accounts.login may not erase.
  assert.equal(
    await reason(kernel.findSubjects(db, { category: 'user.contact.email', value: values['user.contact.email'], actor: systemActor('comms.send'), purpose: 'legal-compliance' })),
    'job-may-not-use-purpose',
  );
  assert.equal(await reason(kernel.erase(db, { subject, actor: systemActor('accounts.login') })), 'role-may-not-use-purpose');
  // A job the data map does not declare (the old nameless staff API token) reads nothing.
  assert.equal(await reason(kernel.read(db, { subject, actor: systemActor('staff-api'), purpose: 'fulfillment', categories: ['user.name'] })), 'undeclared-job');

  await kernel.flush();
  const audited = await refusals(db, 'job-may-not-use-purpose');
  assert.deepEqual(
    audited.map((r) => r.actor_id),
    ['checkout', 'checkout', 'checkout', 'comms.send'],
  );
  assert.equal((await refusals(db, 'undeclared-job')).length, 1);
});

test('every system actor the code names is a job the data map declares', async () => {
  const map = loadDataMap(new URL('../../datamap/', import.meta.url).pathname);
  const { readFileSync, readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = new URL('../', import.meta.url).pathname;
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') && !f.endsWith('.test.ts') ? [join(dir, f)] : []));
  const named = new Set<string>();
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/systemActor\('([^']+)'\)/g)) named.add(m[1]!);
    for (const m of text.matchAll(/(?:_JOB|_ACTOR) = '([a-z][a-z0-9.-]+)'/g)) if (/systemActor\([A-Z_]*(JOB|ACTOR)\)/.test(text)) named.add(m[1]!);
  }
  assert.ok(named.size > 15);
  assert.deepEqual(
    [...named].filter((job) => !map.jobs.has(job)),
    [],
  );
});

// Where person actors may be minted: where a person is authenticated. Adding a file here is a
// decision a reviewer sees (decision 0026).
const PERSON_MINTING_ELSEWHERE: Record<string, string> = {
  'src/rights/desk/routes.ts': 'the mailed verification link authenticates the person who asked',
  'src/rights/complaints/filing.ts': 'a correspondent gives their own data on the public form; their new subject acts as itself',
  'src/mailing/members.ts': 'a mailing-list signup gives its own name and address; the mailed confirmation link authenticates the member',
  'src/mailing/unsubscribe.ts': 'the unsubscribe link of a marketing mail authenticates its recipient, for withdrawing only',
  'src/demo/testimonials.ts': 'a demo shop’s made-up quoted customers give their own consent, as the form does; no real person',
  'src/quotes/requests.ts': 'a quote requester gives their own details on the public form; the mailed link of their case authenticates them (view, remove)',
  'src/surveys/answers.ts': 'the mailed link of a survey invitation authenticates its respondent, for answering (and agreeing to share) only',
  'src/support/actors.ts': 'a visitor gives their own data on the support form; the mailed thread link authenticates them',
  'src/services/registrations.ts': "the removal link in a service contact's mail authenticates the contact, for leaving (being erased) only",
};

// Where system actors are minted: the code of the declared job itself (outside the kernel and
// accounts). A new file here is a new place that acts with no person behind it.
const JOB_MINTING_ELSEWHERE: Record<string, string> = {
  'src/cli/commands/privacy.ts': 'cli.keyring-rotate, cli.keyring-rewrap, cli.keyring-drop',
  'src/cli/commands/staff.ts': 'cli.staff-create',
  'src/cli/commands/subject.ts': 'cli.subject-export, cli.subject-erase, cli.blind-index-rotate',
  'src/commerce/checkout/flow.ts': 'checkout',
  'src/commerce/delivery/deliver.ts': 'delivery (hands out licence keys on payment, holds and releases orders waiting for keys)',
  'src/commerce/fraud/proof.ts': 'fraud (holds an order its risk rules flag, keeps and purges the proof of identity)',
  'src/commerce/orders/recommendations.ts': 'orders.recommendations',
  'src/commerce/payments/payments.ts': 'payments',
  'src/comms/recipient.ts': 'comms.send',
  'src/demo/logins.ts': 'demo.logins',
  'src/demo/testimonials.ts': 'demo.testimonials',
  'src/demo/services.ts': 'demo.services',
  'src/mailing/campaigns.ts': 'mailing.campaign',
  'src/mailing/members.ts': 'mailing.signup, mailing.sweep',
  'src/mailing/policy-change.ts': 'mailing.policy-change',
  'src/mailing/reminders.ts': 'mailing.offer-reminder',
  'src/quotes/requests.ts': 'quotes.request',
  'src/surveys/answers.ts': 'surveys.share',
  'src/surveys/invite.ts': 'surveys.invite',
  'src/surveys/report.ts': 'surveys.report (counts answers into the identity-free service report)',
  'src/rights/complaints/filing.ts': 'rights.complaint-form',
  'src/rights/deadlines.ts': 'rights.deadlines',
  'src/rights/desk/routes.ts': 'rights.link',
  'src/rights/erasure.ts': 'rights.erase',
  'src/rights/new-uses.ts': 'rights.new-use-notices',
  'src/support/actors.ts': 'support.form, support.inbound, support.sweep',
  'src/services/registrations.ts': 'services.contacts',
  'src/subscriptions/subscriptions.ts': 'subscriptions',
  'src/vendors/webhooks.ts': 'vendors.webhook',
  'src/testimonials/entries.ts': 'testimonials.publish',
  'src/testimonials/takedown.ts': 'testimonials.takedown, testimonials.withdrawn',
  'src/telecom/ingest.ts': 'telecom.ingest',
  'src/telecom/statement.ts': 'telecom.offers',
  'src/demo/phone-line.ts': 'demo.phone-line',
};

test('person actors are minted only by the kernel, accounts (sessions, personal tokens) and the listed places that authenticate; system actors only by the kernel, accounts and the listed jobs; the unconfined test actor only in tests and benchmarks', async () => {
  const { readFileSync, readdirSync, statSync } = await import('node:fs');
  const { join, relative } = await import('node:path');
  const root = new URL('../../', import.meta.url).pathname;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? (f === 'node_modules' ? [] : walk(join(dir, f))) : f.endsWith('.ts') ? [join(dir, f)] : []));
  const isTestCode = (path: string) => /\.test\.ts$|(^|\/)testing[^/]*\.ts$|\/testing\/|test-support\.ts$|^test\/|^bench\//.test(path);
  const files = [...walk(join(root, 'src')), ...walk(join(root, 'scripts'))].map((f) => relative(root, f)).filter((f) => !isTestCode(f));
  assert.ok(files.length > 100);
  const violations: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    if (/\btestActor\b/.test(text)) violations.push(`${file}: testActor`);
    if (file.startsWith('src/privacy/') || file.startsWith('src/accounts/')) continue;
    if (!JOB_MINTING_ELSEWHERE[file] && /\bsystemActor\b/.test(text)) violations.push(`${file}: systemActor`);
    if (PERSON_MINTING_ELSEWHERE[file]) continue;
    for (const m of text.matchAll(/\b(selfActor|staffActor|vendorActor)\b/g)) violations.push(`${file}: ${m[1]}`);
  }
  assert.deepEqual(
    [...new Set(violations)].filter((v) => !v.startsWith('src/privacy/actors.ts: testActor')),
    [],
  );
});
