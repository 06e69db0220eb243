// Quote requests and surveys end to end on a running shop with a real SMTP server and a worker
// running every module's jobs (decision 0059). Quotes (P004-07): a visitor asks for a quote on the
// public form; sales follow it up and send a quote document; a follow-up date reminds staff; the
// requester's link removes the case and erases them, and a customer's account deletion removes
// theirs. Surveys (P004-17): only customers who turned surveys on are invited, answering is optional
// (nothing sent is a decline), the report has no names, and an intermediary receives only the
// declared fields, ledgered, and only from those who agreed.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, staffClient } from '../src/accounts/testing.ts';
import { makeShop } from '../src/commerce/cart/testing.ts';
import { seedDemoQuotesAndSurveys } from '../src/demo/index.ts';
import { startSmtpSink, type SmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { disclosureRows, subjectStatus, testActor } from '../src/privacy/testing.ts';
import { waitForRequest } from './rights-support.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';

const owner = { name: 'Otto Quoteworth', email: 'otto.quoteworth@shop.example', role: 'owner', password: 'harbour-violet-93-compass-drift' };
const decoded = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const count = async (db: Db, q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(db)).rows[0]!.n;

/** The path of the first link to `path` in the mail to `email` whose subject matches. */
async function mailedLink(sink: SmtpSink, email: string, subject: RegExp, path: string): Promise<{ link: string; text: string }> {
  const mail = await sink.waitForMail((m) => m.to.some((to) => to.includes(email)) && subject.test(m.subject ?? ''), 30_000);
  const m = new RegExp(`https?://[^\\s"<]+(${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  assert.ok(m, `the mail "${mail.subject}" carries a ${path} link`);
  return { link: m[1]!, text: mail.text ?? '' };
}

/** Signs a customer up through the pages and follows the mailed link (the worker sends it); the client ends signed in. */
async function signUp(client: FormClient, sink: SmtpSink, who: { name: string; email: string; password: string }): Promise<void> {
  await client.get('/account/signup');
  const res = await client.post('/account/signup', { name: who.name, email: who.email, password: who.password, age: 'adult' });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  const { link } = await mailedLink(sink, who.email, /./, '/account/confirm');
  const page = await client.get(link);
  const confirm = await client.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(page.body)?.[1] ?? '' });
  assert.equal(confirm.statusCode, 303, confirm.body.slice(0, 300));
}

testEachDatabase('quote requests and surveys on a running shop', async (database, t) => {
  const sink = await startSmtpSink();
  const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>' });
  const db = database.db;
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
  await worker.start();
  t.after(async () => {
    await worker.stop(5000);
    await app.close();
    await sink.stop();
  });
  const shop = await makeShop(db);
  const staff = await staffClient(app, db, owner);

  await t.test('[P004-07] a visitor requests a quote; sales follow up and send a quote document; the requester’s link removes the case and erases them', async () => {
    const visitor = new FormClient(app, '10.0.0.7');
    const form = await visitor.get('/quote?product=Battery%20monitor');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /remove/i, 'the form says the request can be removed');
    const bad = await visitor.post('/quote', { name: '', email: 'not-an-address', phone: 'call me', organisation: '', system: '', products: '' });
    assert.equal(bad.statusCode, 400);
    for (const field of ['name', 'email', 'phone', 'organisation', 'system']) assert.ok(bad.body.includes(`href="#f-${field}"`), `the error names ${field}`);
    assert.equal(await count(db, sql`select count(*)::int as n from quotes_cases`), 0, 'a refused form keeps nothing');

    const sent = await visitor.post('/quote', {
      name: 'Quentin Voltaire',
      email: 'quentin.voltaire@example.com',
      phone: '+1 973 555 0199',
      organisation: 'Voltaire Data Centres',
      system: 'Site: Rockaway NJ. 4 UPS strings of 40 VRLA jars each; monitoring for all.',
      products: 'Battery monitor',
    });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 500));
    const number = /request (\d+) received/.exec(sent.body)![1]!;
    const [c] = (await sql<{ id: string; subject_id: string }>`select id, subject_id from quotes_cases`.execute(db)).rows;
    const plain = JSON.stringify((await sql`select * from quotes_cases`.execute(db)).rows);
    for (const v of ['Quentin', 'quentin.voltaire', 'Voltaire Data', 'VRLA', '0199']) assert.ok(!plain.includes(v), `no ${v} in the case row`);
    const ack = await mailedLink(sink, 'quentin.voltaire@example.com', new RegExp(`quote request ${number}`), '/quote/view');
    assert.match(ack.text, /removes your request/);

    // Sales: the list, the case, a follow-up, lines from the catalogue and free text, the quote.
    const list = await staff.get('/staff/quotes?state=new');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes('Quentin Voltaire, Voltaire Data Centres'));
    const page = await staff.get(`/staff/quotes/${c!.id}`);
    assert.equal(page.statusCode, 200);
    assert.ok(decoded(page.body).includes('4 UPS strings of 40 VRLA jars each'));
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await staff.post(`/staff/quotes/${c!.id}/follow-up`, { note: 'Called Quentin: wants a price for 160 sensors.', date: '2026-13-45' })).statusCode, 400, 'a wrong date is named');
    assert.equal((await staff.post(`/staff/quotes/${c!.id}/follow-up`, { note: 'Called Quentin: wants a price for 160 sensors.', date: today })).statusCode, 303);
    await enqueue(db, 'quotes.follow-ups', {});
    const reminder = await sink.waitForMail((m) => m.to.includes(owner.email) && /Follow up quote request/.test(m.subject ?? ''), 30_000);
    assert.ok(reminder.text?.includes(`/staff/quotes/${c!.id}`));
    assert.ok(!reminder.text?.includes('Quentin'), 'the reminder names the case, not the person');
    assert.ok((await staff.get('/staff/quotes?state=follow-up')).body.includes(`/staff/quotes/${c!.id}`));

    await staff.get(`/staff/quotes/${c!.id}`);
    assert.equal((await staff.post(`/staff/quotes/${c!.id}/send`, { validUntil: today })).statusCode, 400, 'a quote without lines is not sent');
    assert.equal((await staff.post(`/staff/quotes/${c!.id}/lines`, { product: shop.router.id, description: '', quantity: '2', price: '' })).statusCode, 303);
    assert.equal((await staff.post(`/staff/quotes/${c!.id}/lines`, { product: '', description: 'Installation, one day on site', quantity: '1', price: '1250.00' })).statusCode, 303);
    assert.equal((await staff.post(`/staff/quotes/${c!.id}/send`, { validUntil: '2099-01-31' })).statusCode, 303);
    const quote = await mailedLink(sink, 'quentin.voltaire@example.com', new RegExp(`Your quote ${number}`), '/quote/view');
    assert.match(quote.text, /valid until 2099-01-31/);
    const doc = await new FormClient(app, '10.0.0.8').get(quote.link);
    assert.equal(doc.statusCode, 200);
    assert.ok(doc.body.includes('Installation, one day on site'));
    assert.ok(doc.body.includes('$1,250.00'));
    assert.ok((await staff.get(`/staff/quotes/${c!.id}/document`)).body.includes('Installation, one day on site'));

    // The requester removes it with their link: the case is gone and they are erased.
    const view = await visitor.get(ack.link);
    assert.equal(view.statusCode, 200);
    const removed = await visitor.post('/quote/remove', { token: new URL(`https://x${ack.link}`).searchParams.get('token')! });
    assert.equal(removed.statusCode, 200, removed.body.slice(0, 300));
    assert.equal(await count(db, sql`select count(*)::int as n from quotes_cases`), 0);
    assert.equal(await count(db, sql`select count(*)::int as n from quotes_lines`), 0);
    assert.equal(await subjectStatus(db, c!.subject_id), 'erased');
    assert.equal((await visitor.get(ack.link)).statusCode, 400, 'the link opens nothing any more');
    assert.equal((await staff.get(`/staff/quotes/${c!.id}`)).statusCode, 404);
  });

  await t.test('[P004-07] a signed-in customer’s quote request is in their export and goes with the deletion of their account', async () => {
    const who = { name: 'Cordelia Ampere', email: 'cordelia.ampere@example.com', password: 'pebble-saffron-41-lagoon-kite' };
    const client = new FormClient(app, '10.0.0.9');
    await signUp(client, sink, who);
    await client.get('/quote');
    const sent = await client.post('/quote', { name: who.name, email: who.email, phone: '', organisation: 'Ampere Telecom', system: 'Two sites, 24 cells each.', products: '' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    const exported = JSON.parse((await client.get('/account/privacy/export.json')).body) as { sections: { id: string; records: Record<string, unknown>[] }[] };
    assertFollowsExportSchema(exported);
    assert.equal(exported.sections.find((s) => s.id === 'quote-requests')?.records.length, 1);
    assert.ok(exported.sections.find((s) => s.id === 'personal-data')!.records.some((r) => String(r.ref).startsWith('quote:') && r.category === 'user.contact.organization'));
    await client.get('/account/privacy/delete');
    const done = await client.post('/account/privacy/delete', { password: who.password });
    assert.equal(done.statusCode, 200, done.body.slice(0, 300));
    await waitForRequest(db, 'completed');
    assert.equal(await count(db, sql`select count(*)::int as n from quotes_cases`), 0, 'the deletion removed the case');
  });

  await t.test('[P004-17] surveys: optional, only to those who agreed, report without names, an intermediary gets only the declared fields, ledgered', async () => {
    const people = [
      { name: 'Imogen Surveyer', email: 'imogen.surveyer@example.com', password: 'walnut-cinder-62-meadow-fern', agree: true },
      { name: 'Declan Skipwell', email: 'declan.skipwell@example.com', password: 'quartz-ember-19-harbor-lime', agree: true },
      { name: 'Nora Neverasked', email: 'nora.neverasked@example.com', password: 'cobalt-thistle-84-brook-oat', agree: false },
    ];
    const clients: FormClient[] = [];
    for (const [i, p] of people.entries()) {
      const client = new FormClient(app, `10.0.1.${i + 1}`);
      await signUp(client, sink, p);
      if (p.agree) {
        await client.get('/account/privacy');
        assert.equal((await client.post('/account/privacy/choices', { purpose: 'surveys', choice: 'grant' })).statusCode, 200);
      }
      clients.push(client);
    }

    await staff.get('/staff/surveys');
    const made = await staff.post('/staff/surveys', { title: 'How is our monitoring?', intro: 'Three quick questions.', recipient: 'survey-service', shared: 'name' });
    assert.equal(made.statusCode, 303, made.body.slice(0, 500));
    const path = made.headers.location as string;
    const id = path.split('/').at(-1)!;
    await staff.get(path);
    for (const q of [
      { kind: 'rating', prompt: 'How do you rate the alerts?', choices: '', shared: 'yes' },
      { kind: 'choice', prompt: 'Which report do you read?', choices: 'Weekly\nMonthly\nNone', shared: 'no' },
      { kind: 'text', prompt: 'What should we improve?', choices: '', shared: 'no' },
    ]) {
      assert.equal((await staff.post(`${path}/questions`, q)).statusCode, 303);
    }
    assert.equal((await staff.post(`${path}/open`, {})).statusCode, 303);
    const [rating, choice, text] = (await sql<{ id: string }>`select id from surveys_questions where survey_id = ${id} order by position`.execute(db)).rows.map((r) => r.id);

    const invite = await mailedLink(sink, people[0]!.email, /A short survey/, '/survey');
    assert.match(invite.text, /Answering is optional/);
    const invite2 = await mailedLink(sink, people[1]!.email, /A short survey/, '/survey');
    await waitFor('the invitations queued', async () => (await sql<{ at: Date | null }>`select invited_all_at as at from surveys_surveys where id = ${id}`.execute(db)).rows[0]?.at);
    assert.equal(await count(db, sql`select count(*)::int as n from surveys_invitations where survey_id = ${id}`), 2, 'only those who turned surveys on are invited');

    // Imogen answers everything and agrees to share; only the declared rating and her name leave.
    const page = await clients[0]!.get(invite.link);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Answering is optional/);
    assert.match(page.body, /Every question can be skipped/);
    const token = new URL(`https://x${invite.link}`).searchParams.get('token')!;
    const answered = await clients[0]!.post('/survey', { token, [`q-${rating}`]: '4', [`q-${choice}`]: 'Weekly', [`q-${text}`]: 'Imogen wants SMS alerts at night', share: 'yes' });
    assert.equal(answered.statusCode, 200, answered.body.slice(0, 500));
    const imogen = (await sql<{ subject_id: string }>`select subject_id from surveys_invitations where survey_id = ${id} and declined = false`.execute(db)).rows[0]!.subject_id;
    const ledger = await disclosureRows(db, imogen);
    assert.deepEqual(
      ledger.map((d) => [d.recipient, d.basis, d.categories]),
      [
        ['survey-service', 'consent', ['user.content.private']],
        ['survey-service', 'consent', ['user.name']],
      ],
    );
    const shared = await app.privacy.read(db, { subject: imogen, actor: testActor('test'), purpose: 'surveys', categories: ['user.content.private'], ref: `survey:${id}:shared` });
    assert.deepEqual(shared.values['user.content.private'], { [rating!]: 4 }, 'only the declared answer was sent');
    const centre = await clients[0]!.get('/account/privacy');
    assert.ok(decoded(centre.body).includes('Survey service running a survey'), 'the person sees who received it');

    // Declan skips everything: declined, nothing stored.
    const token2 = new URL(`https://x${invite2.link}`).searchParams.get('token')!;
    await clients[1]!.get(invite2.link);
    const declined = await clients[1]!.post('/survey', { token: token2 });
    assert.equal(declined.statusCode, 200);
    assert.match(declined.body, /declined/);
    assert.equal(await count(db, sql`select count(*)::int as n from surveys_invitations where declined`), 1);

    // The report: counts, the average, the text without a name.
    const report = await staff.get(`${path}/report`);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /Average rating: <strong>4\.0<\/strong>/);
    assert.ok(report.body.includes('Imogen wants SMS alerts at night'));
    assert.ok(!report.body.includes('Imogen Surveyer') && !report.body.includes('imogen.surveyer'), 'no name or address in the report');
    assert.match(report.body, /answered 1; declined 1/);
    const marketer = await staffClient(app, db, { name: 'Mara Marketer', email: 'mara.marketer@shop.example', role: 'marketing', password: 'tangerine-quarry-55-silver-oak' });
    const theirs = await marketer.get(`${path}/report`);
    assert.match(theirs.body, /Average rating: <strong>4\.0<\/strong>/);
    assert.ok(!theirs.body.includes('SMS alerts'), 'the marketing role, which may not read private content, sees no text answer');

    // Export and erasure.
    const exported = JSON.parse((await clients[0]!.get('/account/privacy/export.json')).body) as { sections: { id: string; records: Record<string, unknown>[] }[] };
    assertFollowsExportSchema(exported);
    assert.equal(exported.sections.find((s) => s.id === 'surveys')?.records.length, 1);
    await clients[0]!.get('/account/privacy/delete');
    assert.equal((await clients[0]!.post('/account/privacy/delete', { password: people[0]!.password })).statusCode, 200);
    await waitFor('the invitation erased', async () => (await count(db, sql`select count(*)::int as n from surveys_invitations where subject_id = ${imogen}`)) === 0, 60_000);
    await waitFor('the respondent erased', async () => (await subjectStatus(db, imogen)) === 'erased', 60_000);
    assert.ok(!(await staff.get(`${path}/report`)).body.includes('SMS alerts'), 'an erased respondent’s answers leave the report');
  });

  await t.test('the demo shop’s quote case and draft survey are made through the modules’ own commands', async () => {
    const made = await seedDemoQuotesAndSurveys(db, app.privacy, { publicUrl: config.publicUrl, currency: config.currency });
    const list = await staff.get('/staff/quotes?state=new');
    assert.ok(list.body.includes('Demo Requester, Demo Data Centres'));
    assert.ok(list.body.includes(`>${made.quote}</a>`));
    const survey = await staff.get(`/staff/surveys/${made.survey}`);
    assert.equal(survey.statusCode, 200);
    assert.match(survey.body, /How did you hear about us\?/);
  });
});
