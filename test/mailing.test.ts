// Marketing mail end to end on a running shop with a real SMTP server: the mailing list's double
// opt-in and its removal, campaigns that reach only the people whose choice allows it at the moment
// each mail is sent, and the unsubscribe link every marketing mail carries (one click, no sign-in)
// beside the opt-out staff record for a person who wrote in.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { startSmtpSink, type SmtpSink, type ReceivedMail } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue, type JobHandlers, type Worker } from '../src/platform/jobs/index.ts';
import { deferred, testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp, type TestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase, type TestDatabase } from '../src/platform/testing/databases.ts';
import { subjectStatus, testActor } from '../src/privacy/testing.ts';

const owner = { name: 'Octavia Ledgerwood', email: 'octavia.ledgerwood@shop.example', role: 'owner', password: 'harbour-violet-93-compass-drift' };
const decoded = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

interface Bed extends TestApp {
  sink: SmtpSink;
  db: Db;
  /** Runs a worker with these handlers (default: every module's) until `stop`. */
  worker(handlers?: JobHandlers): Promise<Worker>;
  close(): Promise<void>;
}

async function bed(database: TestDatabase, env: Record<string, string> = {}): Promise<Bed> {
  const sink = await startSmtpSink();
  const test = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>', ...env });
  const workers: Worker[] = [];
  return {
    ...test,
    sink,
    db: test.app.db,
    async worker(handlers = collectJobs(modules).handlers) {
      const w = testWorker(database, handlers, { services: { config: test.config, privacy: test.app.privacy, wiring: test.app.wiring } });
      workers.push(w);
      await w.start();
      return w;
    },
    async close() {
      for (const w of workers) await w.stop(5000);
      await test.app.close();
      await sink.stop();
    },
  };
}

/** A purpose's entry on the published policy (/privacy) and the heading of the legal basis it is listed under. */
function policyEntry(body: string, purpose: string): { heading: string; html: string } {
  const at = body.indexOf(`id="purpose-${purpose}"`);
  assert.ok(at > 0, `the policy lists the purpose ${purpose}`);
  const heading = [...body.slice(0, at).matchAll(/<h3[^>]*>([^<]*)<\/h3>/g)].at(-1)?.[1] ?? '';
  return { heading: decoded(heading), html: decoded(body.slice(at, body.indexOf('</div>', at))) };
}

const mailsTo = (sink: SmtpSink, email: string, subject?: string) => sink.received.filter((m) => m.to.includes(email) && (subject === undefined || m.subject === subject));

async function campaign(ownerClient: FormClient, purpose: string, subject: string, text: string): Promise<string> {
  await ownerClient.get('/staff/mailing');
  const made = await ownerClient.post('/staff/mailing', { purpose, subject, text });
  assert.equal(made.statusCode, 303, made.body.slice(0, 500));
  const path = made.headers.location as string;
  const page = await ownerClient.get(path);
  assert.equal(page.statusCode, 200);
  const sent = await ownerClient.post(`${path}/send`, {});
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
  return path.split('/').at(-1)!;
}

/** Waits until the campaign queued everyone and (unless `queuedOnly`) every message of it is final. */
async function finished(db: Db, id: string, queuedOnly = false): Promise<{ subject_id: string; status: string; suppressed_reason: string | null }[]> {
  await waitFor(`campaign ${id} queued`, async () => (await sql<{ status: string }>`select status from mailing_campaigns where id = ${id}`.execute(db)).rows[0]?.status === 'sent', 30_000);
  const rows = () =>
    sql<{ subject_id: string; status: string; suppressed_reason: string | null }>`
    select subject_id, status, suppressed_reason from comms_outbox where idempotency_key like ${`mailing.campaign:${id}:%`}`.execute(db);
  if (!queuedOnly) await waitFor(`campaign ${id} sent`, async () => (await rows()).rows.every((r) => r.status !== 'queued' && r.status !== 'sending'), 30_000);
  return (await rows()).rows;
}

/** The unsubscribe link (path) of a received marketing mail, checked where RFC 8058 and P004-13 want it. */
function unsubscribeLinkOf(mail: ReceivedMail): string {
  const header = mail.header('list-unsubscribe') ?? '';
  const match = /^<(https:\/\/shop\.test\/unsubscribe\/([A-Za-z0-9_-]{43}))>,\s*<mailto:mail@shop\.test\?subject=unsubscribe%20\2>$/.exec(header);
  assert.ok(match, `List-Unsubscribe names the one-click URL and the shop's mailbox: ${header}`);
  assert.equal(mail.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
  const url = match[1]!;
  const lastLines = mail.text.trim().split('\n').slice(-2).join('\n');
  assert.ok(lastLines.includes(url), `the text ends with the unsubscribe link: ${lastLines}`);
  assert.ok(decoded(mail.html ?? '').includes(`href="${url}"`), 'the HTML part links it too');
  return new URL(url).pathname;
}

testEachDatabase(
  '[P004-06][P004-12][P001-04][P002-14][P004-13] a visitor joins the mailing list by the confirmation link, a newsletter reaches only confirmed members with the one-click unsubscribe link and headers, and one click without a session takes them off the list: the next newsletter does not reach them',
  async (database, t) => {
    const b = await bed(database);
    t.after(() => b.close());
    await b.worker();
    const member = { name: 'Marguerite Fenwick-Abara', email: 'marguerite.fenwick@example.net' };
    const lurker = { name: 'Lucius Unconfirmed', email: 'lucius.unconfirmed@example.net' };

    // Signup, from the link in every page's footer.
    const visitor = new FormClient(b.app);
    assert.ok((await visitor.get('/')).body.includes('href="/mailing-list"'), 'the footer links the mailing list');
    const form = await visitor.get('/mailing-list');
    assert.equal(form.statusCode, 200);
    const bad = await visitor.post('/mailing-list', { name: '', email: 'not-an-address' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#f-name"/);
    assert.match(bad.body, /href="#f-email"/);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from mailing_members`.execute(b.db)).rows[0]!.n, 0, 'a refused form keeps nothing');
    for (const who of [member, lurker]) {
      const sent = await new FormClient(b.app).get('/mailing-list').then(() => visitor.post('/mailing-list', who));
      assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
      assert.match(sent.body, /Check your mail/);
    }

    // The confirmation mail, over SMTP: a link with a one-time token; the outbox keeps it sealed.
    const confirmation = await b.sink.waitForMail((m) => m.to.includes(member.email) && /Confirm/.test(m.subject), 20_000);
    assert.match(confirmation.text, new RegExp(`Hello ${member.name},`));
    const link = /https:\/\/shop\.test(\/mailing-list\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(confirmation.text)?.[1];
    assert.ok(link, confirmation.text);
    const token = link.split('=')[1]!;
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from comms_outbox where params::text like ${`%${token}%`}`.execute(b.db)).rows[0]!.n, 0, 'the token is in no outbox parameter');
    const page = await visitor.get(link);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Yes, put me on the list/);
    const confirmed = await visitor.post('/mailing-list/confirm', { token });
    assert.equal(confirmed.statusCode, 200, confirmed.body.slice(0, 300));
    assert.match(confirmed.body, /You are on the list/);
    assert.equal((await visitor.post('/mailing-list/confirm', { token })).statusCode, 400, 'the link works once');

    const [row] = (await sql<{ subject_id: string }>`select subject_id from mailing_members where confirmed_at is not null`.execute(b.db)).rows;
    const memberSubject = row!.subject_id;
    const state = await b.app.privacy.consentState(b.db, { subject: memberSubject, actor: testActor('test'), purpose: 'data-rights' });
    for (const purpose of ['newsletters', 'mailing-list']) {
      const s = state.find((c) => c.purpose === purpose);
      assert.equal(s?.state, 'granted', `${purpose} granted on confirmation`);
      assert.equal(s?.channel, 'web');
      assert.ok(s?.policyVersion, 'with the policy version in force');
    }

    // A newsletter: the confirmed member gets it; the unconfirmed signup does not.
    const ownerClient = await staffClient(b.app, b.db, owner);
    const first = await campaign(ownerClient, 'newsletters', 'Spring product updates', 'Our new routers ship next week.\n\nSee https://shop.test/catalogue for the details.');
    const rows = await finished(b.db, first);
    assert.deepEqual(
      rows.map((r) => [r.subject_id, r.status]),
      [[memberSubject, 'sent']],
      'one message, to the one confirmed member',
    );
    const newsletter = await b.sink.waitForMail((m) => m.to.includes(member.email) && m.subject === 'Spring product updates', 20_000);
    assert.match(newsletter.text, /Our new routers ship next week/);
    assert.deepEqual(mailsTo(b.sink, lurker.email, 'Spring product updates'), [], 'nobody is mailed who did not confirm');
    const unsubscribe = unsubscribeLinkOf(newsletter);
    assert.ok(!unsubscribe.includes(memberSubject) && !unsubscribe.includes('marguerite'), 'the link names no person');
    const campaignPage = await ownerClient.get(`/staff/mailing/${first}`);
    assert.match(campaignPage.body, /data-label="Status">sent<\/th><td data-label="Why not sent"><\/td><td data-label="Messages" class="num">1</);

    // The link's page works without a session; the one-click POST (as a mail client sends it: no cookie, no form token) takes the member off the list.
    const stranger = new FormClient(b.app);
    const unsubscribePage = await stranger.get(unsubscribe);
    assert.equal(unsubscribePage.statusCode, 200);
    assert.match(unsubscribePage.body, /<button type="submit">Unsubscribe<\/button>/);
    assert.equal((await b.app.inject({ method: 'GET', url: `${unsubscribe.slice(0, -3)}AAA` })).statusCode, 400, 'an altered link is refused');
    const oneClick = await b.app.inject({ method: 'POST', url: unsubscribe, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.statusCode, 200, oneClick.body.slice(0, 300));
    assert.match(oneClick.body, /You are unsubscribed/);
    assert.equal(await subjectStatus(b.db, memberSubject), 'erased', 'removal erases the member');
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from mailing_members where subject_id = ${memberSubject}`.execute(b.db)).rows[0]!.n, 0);
    const again = await b.app.inject({ method: 'POST', url: unsubscribe, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(again.statusCode, 200, 'a second click changes nothing and says so');

    // The signup nobody confirmed: past the map's week, the kernel's retention engine erases it.
    const [pending] = (await sql<{ subject_id: string }>`select subject_id from mailing_members where confirmed_at is null`.execute(b.db)).rows;
    await sql`update mailing_members set created_at = now() - interval '8 days', expires_at = now() - interval '1 day' where subject_id = ${pending!.subject_id}`.execute(b.db);
    await enqueue(b.db, 'privacy.sweep');
    await waitFor('the sweep', async () => (await subjectStatus(b.db, pending!.subject_id)) === 'erased', 20_000);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from mailing_members`.execute(b.db)).rows[0]!.n, 0, 'nobody is left on the list');

    // The next newsletter reaches nobody.
    const second = await campaign(ownerClient, 'newsletters', 'Summer product updates', 'Cooler routers for a hot summer.');
    assert.deepEqual(await finished(b.db, second), []);
    assert.deepEqual(mailsTo(b.sink, member.email, 'Summer product updates'), []);

    // Joining again, twice: the later confirmed signup replaces the earlier, so one member gets one mail.
    for (const round of [1, 2]) {
      const again = new FormClient(b.app);
      await again.get('/mailing-list');
      assert.equal((await again.post('/mailing-list', member)).statusCode, 200);
      const mail = await waitFor('a new confirmation', async () => mailsTo(b.sink, member.email).filter((m) => /Confirm/.test(m.subject))[round]);
      const next = /\/mailing-list\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
      await again.get(`/mailing-list/confirm?token=${next}`);
      assert.equal((await again.post('/mailing-list/confirm', { token: next })).statusCode, 200);
    }
    const members = (await sql<{ subject_id: string }>`select subject_id from mailing_members`.execute(b.db)).rows;
    assert.equal(members.length, 1, 'one member for one address');
    const third = await campaign(ownerClient, 'newsletters', 'Autumn product updates', 'Welcome back.');
    assert.deepEqual(
      (await finished(b.db, third)).map((r) => r.subject_id),
      [members[0]!.subject_id],
    );

    // Removal on request by post: support records it, and the member is off the list (erased).
    const support = await staffClient(b.app, b.db, { name: 'Sunniva Helpdesk', email: 'sunniva.helpdesk@shop.example', role: 'support', password: 'pebble-harbour-31-willow-lamp' });
    await support.get('/staff/mailing/opt-out');
    const removal = await support.post('/staff/mailing/opt-out', {
      email: member.email,
      purpose: 'newsletters',
      channel: 'paper',
      evidence: 'Letter of 4 April, ref L-2231: please take me off your list',
    });
    assert.equal(removal.statusCode, 200, removal.body.slice(0, 300));
    assert.match(removal.body, /Recorded for 1 person .* 1 mailing-list entry was erased/s);
    assert.equal(await subjectStatus(b.db, members[0]!.subject_id), 'erased');
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from mailing_members`.execute(b.db)).rows[0]!.n, 0);
  },
);

testEachDatabase(
  '[P002-08][P004-22][P002-14] a newsletter campaign checks each customer’s consent when it sends: withdrawn in the privacy centre after it was queued = suppressed, not sent; deleted and deactivated customers are never queued; an opt-out staff record from an email stops the next campaign; offers (OFFERS_CONSENT=opt-out, the default) reach every customer who has not opted out, and the policy says so',
  async (database, t) => {
    const b = await bed(database);
    t.after(() => b.close());
    const people = ['Hyacinth Orrery', 'Barnaby Quell', 'Delphine Erased', 'Ignatius Dormant', 'Rosalind Wrote-In'].map((name) => ({
      name,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`,
      password: 'lantern-orchid-58-quarry',
    }));
    const clients: FormClient[] = [];
    const subjects: string[] = [];
    for (const p of people) {
      const client = new FormClient(b.app);
      await signUpAndConfirm(client, b.db, p);
      await client.get('/account/privacy');
      const on = await client.post('/account/privacy/choices', { purpose: 'newsletters', choice: 'grant' });
      assert.equal(on.statusCode, 200, on.body.slice(0, 300));
      clients.push(client);
      subjects.push((await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(b.db)).rows[0]!.subject_id);
    }
    const [keen, withdrawer, deleted, deactivated, wroteIn] = subjects as [string, string, string, string, string];

    // One deletes their account (a job erases them), one deactivates it.
    await clients[2]!.get('/account/privacy/delete');
    assert.equal((await clients[2]!.post('/account/privacy/delete', { password: people[2]!.password })).statusCode, 200);
    await clients[3]!.get('/account/privacy/deactivate');
    assert.equal((await clients[3]!.post('/account/privacy/deactivate', { password: people[3]!.password })).statusCode, 200);
    const everything = await b.worker();
    await waitFor('the deletion', async () => (await subjectStatus(b.db, deleted)) === 'erased', 30_000);
    await everything.stop(5000);
    assert.equal(await subjectStatus(b.db, deactivated), 'restricted');

    // The campaign's job queues its messages; their send jobs start and wait at a gate ...
    const ownerClient = await staffClient(b.app, b.db, owner);
    const all = collectJobs(modules).handlers;
    const gate = deferred();
    await b.worker({ ...all, 'comms.send': async (payload, ctx) => gate.promise.then(() => all['comms.send']!(payload, ctx)) });
    const first = await campaign(ownerClient, 'newsletters', 'Autumn news', 'Autumn brings new laptops.');
    const queued = await finished(b.db, first, true);
    assert.deepEqual(queued.map((r) => r.subject_id).sort(), [keen, withdrawer, wroteIn].sort(), 'the deleted and the deactivated customer are never queued');

    // ... while one customer turns the newsletter off in the privacy centre; then they send.
    await clients[1]!.get('/account/privacy');
    const off = await clients[1]!.post('/account/privacy/choices', { purpose: 'newsletters', choice: 'withdraw' });
    assert.equal(off.statusCode, 200);
    gate.resolve();
    const outcome = new Map((await finished(b.db, first)).map((r) => [r.subject_id, `${r.status}:${r.suppressed_reason ?? ''}`]));
    assert.equal(outcome.get(keen), 'sent:');
    assert.equal(outcome.get(wroteIn), 'sent:');
    assert.equal(outcome.get(withdrawer), 'suppressed:consent-withdrawn', 'withdrawn just before sending: not sent, recorded as suppressed');
    const mail = await b.sink.waitForMail((m) => m.to.includes(people[0]!.email) && m.subject === 'Autumn news', 20_000);
    unsubscribeLinkOf(mail);
    for (const n of [1, 2, 3]) assert.deepEqual(mailsTo(b.sink, people[n]!.email, 'Autumn news'), [], `${people[n]!.name} is not contacted`);

    // Someone wrote in asking for no more mail: staff record it with the evidence.
    await ownerClient.get('/staff/mailing/opt-out');
    const missing = await ownerClient.post('/staff/mailing/opt-out', { email: people[4]!.email, purpose: 'all', channel: 'email', evidence: '' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /href="#f-evidence"/);
    const recorded = await ownerClient.post('/staff/mailing/opt-out', { email: people[4]!.email, purpose: 'all', channel: 'email', evidence: 'Mail of 2 March, subject "please stop the newsletter"' });
    assert.equal(recorded.statusCode, 200, recorded.body.slice(0, 300));
    assert.match(recorded.body, /Recorded for 1 person/);
    const ledger = await b.app.privacy.consentLedger(b.db, { subject: wroteIn, actor: testActor('test'), purpose: 'data-rights' });
    const entry = ledger.find((e) => e.purpose === 'newsletters' && e.action === 'withdraw');
    assert.equal(entry?.channel, 'email');
    assert.equal(entry?.recordedByKind, 'staff');
    assert.match(entry?.evidence ?? '', /please stop the newsletter/);

    const second = await campaign(ownerClient, 'newsletters', 'Winter news', 'Winter sale soon.');
    assert.deepEqual(
      (await finished(b.db, second)).map((r) => [r.subject_id, r.status]),
      [[keen, 'sent']],
      'only the customer who still wants it',
    );
    await b.sink.waitForMail((m) => m.to.includes(people[0]!.email) && m.subject === 'Winter news', 20_000);
    for (const n of [1, 2, 3, 4]) assert.deepEqual(mailsTo(b.sink, people[n]!.email, 'Winter news'), []);

    // An offer under the default OFFERS_CONSENT=opt-out: the policy says customers can opt out, and the
    // offer reaches every customer who has not opted out, with the one-click link; not the one who wrote in.
    const offersEntry = policyEntry((await new FormClient(b.app).get('/privacy')).body, 'offers');
    assert.equal(offersEntry.heading, 'For our legitimate interests');
    assert.match(offersEntry.html, /Yes: you can opt out at any time in the privacy centre/);
    const offer = await campaign(ownerClient, 'offers', 'Ten percent off routers', 'This week only.');
    assert.deepEqual((await finished(b.db, offer)).map((r) => r.subject_id).sort(), [keen, withdrawer].sort(), 'not the decoy account either');
    const received = await b.sink.waitForMail((m) => m.to.includes(people[1]!.email) && m.subject === 'Ten percent off routers', 20_000);
    const oneClick = await b.app.inject({ method: 'POST', url: unsubscribeLinkOf(received), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.statusCode, 200);
    const offers = (await b.app.privacy.consentState(b.db, { subject: withdrawer, actor: testActor('test'), purpose: 'data-rights' })).find((c) => c.purpose === 'offers');
    assert.equal(offers?.state, 'withdrawn', 'one click on the offer opts out of offers');
    assert.deepEqual(mailsTo(b.sink, people[4]!.email, 'Ten percent off routers'), []);
  },
);

testEachDatabase(
  '[P003-06][P002-08] with OFFERS_CONSENT=opt-in an offer reaches only a customer who turned offers on in the privacy centre: none before they consent, the next one after, none once they withdraw; the policy and the published data map say offers need consent',
  async (database, t) => {
    const b = await bed(database, { OFFERS_CONSENT: 'opt-in' });
    t.after(() => b.close());

    // The published policy and the machine-readable map say which applies: consent.
    const visitor = new FormClient(b.app);
    const entry = policyEntry((await visitor.get('/privacy')).body, 'offers');
    assert.equal(entry.heading, 'Only with your consent', 'offers are listed under consent');
    assert.match(entry.html, /It happens only if you agree\. You can withdraw your consent at any time in the privacy centre\./);
    assert.doesNotMatch(entry.html, /you can opt out/);
    const fides = (await visitor.get('/privacy/datamap.json')).body;
    assert.match(
      fides,
      /"name":"Offers and site news","data_use":"[^"]+","data_categories":\[[^\]]*\],"data_subjects":\[[^\]]*\],"legal_basis_for_processing":"Consent"/,
      'the machine-readable map says consent',
    );

    const people = ['Cordelia Optin', 'Thaddeus Neversaid'].map((name) => ({ name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`, password: 'lantern-orchid-58-quarry' }));
    const clients: FormClient[] = [];
    const subjects: string[] = [];
    for (const p of people) {
      const client = new FormClient(b.app);
      const signup = await client.get('/account/signup');
      assert.match(signup.body, /Offers and site news/, 'sign-up asks for offers as a consent');
      await signUpAndConfirm(client, b.db, p);
      clients.push(client);
      subjects.push((await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(b.db)).rows[0]!.subject_id);
    }
    const [cordelia] = subjects as [string, string];
    const [portal] = clients as [FormClient];
    await b.worker();
    const offersChoice = async () => /<strong>Offers and site news<\/strong>: (on|off)/.exec((await portal.get('/account/privacy')).body)?.[1];
    assert.equal(await offersChoice(), 'off', 'the privacy centre shows offers off until the customer turns them on');

    // Nobody consented: an offer staff send reaches nobody.
    const ownerClient = await staffClient(b.app, b.db, owner);
    const first = await campaign(ownerClient, 'offers', 'Spring router offer', 'Routers at a spring price.');
    assert.deepEqual(await finished(b.db, first), [], 'no customer is queued without consent');
    for (const p of people) assert.deepEqual(mailsTo(b.sink, p.email, 'Spring router offer'), []);

    // Cordelia turns offers on in the privacy centre: the next offer reaches her, not Thaddeus.
    const on = await portal.post('/account/privacy/choices', { purpose: 'offers', choice: 'grant' });
    assert.equal(on.statusCode, 200, on.body.slice(0, 300));
    assert.equal(await offersChoice(), 'on');
    const granted = (await b.app.privacy.consentState(b.db, { subject: cordelia, actor: testActor('test'), purpose: 'data-rights' })).find((c) => c.purpose === 'offers');
    assert.equal(granted?.state, 'granted', 'the grant is in the consent ledger');
    const second = await campaign(ownerClient, 'offers', 'Summer router offer', 'Routers at a summer price.');
    assert.deepEqual(
      (await finished(b.db, second)).map((r) => [r.subject_id, r.status]),
      [[cordelia, 'sent']],
    );
    const mail = await b.sink.waitForMail((m) => m.to.includes(people[0]!.email) && m.subject === 'Summer router offer', 20_000);
    unsubscribeLinkOf(mail);
    assert.deepEqual(mailsTo(b.sink, people[1]!.email, 'Summer router offer'), [], 'never consented: never mailed');

    // She withdraws in the privacy centre: at once, the next offer reaches nobody.
    const off = await portal.post('/account/privacy/choices', { purpose: 'offers', choice: 'withdraw' });
    assert.equal(off.statusCode, 200, off.body.slice(0, 300));
    assert.equal(await offersChoice(), 'off');
    const third = await campaign(ownerClient, 'offers', 'Autumn router offer', 'Routers at an autumn price.');
    assert.deepEqual(await finished(b.db, third), [], 'withdrawn: not queued');
    for (const p of people) assert.deepEqual(mailsTo(b.sink, p.email, 'Autumn router offer'), []);
  },
);
