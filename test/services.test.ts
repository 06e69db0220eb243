// Service registration and monitoring end to end on a running shop with a real SMTP server
// (issue 16, decision 0056): a customer registers a monitoring service with a named contact, the
// device posts events with its own key (refused without it, counted per device), an alert mails
// every contact with a removal link that works without a sign-in, the weekly report job mails
// them, the customer sees the timeline, and the export and deletion reach all of it.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { customer, FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { makeShop } from '../src/commerce/cart/testing.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue, type Worker } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { holdersOf, isPrivacyRefusal, selfActor, systemActor } from '../src/privacy/index.ts';
import { subjectStatus, testActor } from '../src/privacy/testing.ts';
import { buildExport, type RightsDeps } from '../src/rights/index.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';

const supportStaff = { name: 'Sunniva Helpdesk', email: 'sunniva.helpdesk@shop.example', role: 'support', password: 'harbour-violet-93-compass-drift' };
const engineer = { name: 'Ingrid Voltmeter', email: 'ingrid.voltmeter@example.net', phone: '+1 973 555 0142' };
const second = { name: 'Bartholomew Ohm', email: 'bart.ohm@example.net' };
const site = { site: 'North substation battery room', address: '10 Astro Place, Rockaway NJ 07866' };
const contacts = systemActor('services.contacts');
const contactCategories = ['user.name', 'user.contact.email', 'user.contact.phone_number'];
const decoded = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

const count = async (db: Db, table: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n;
const mailTo = (sink: SmtpSink, email: string, subject: RegExp) => sink.waitForMail((m) => m.to.some((to) => to.includes(email)) && subject.test(m.subject), 20_000);
const leavePathOf = (mail: ReceivedMail) => {
  const path = /https:\/\/shop\.test(\/services\/leave\/[A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  assert.ok(path, `the mail carries the removal link: ${mail.text}`);
  assert.ok(decoded(mail.html ?? '').includes(`https://shop.test${path}`), 'the HTML part links it too');
  return path;
};

testEachDatabase('services: registration, contacts, the device API, alerts, reports, timeline, export and deletion', async (database, t) => {
  const sink = await startSmtpSink();
  const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>' });
  const db = app.db;
  const workers: Worker[] = [testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } })];
  t.after(async () => {
    for (const w of workers) await w.stop(5000);
    await app.close();
    await sink.stop();
  });
  await makeShop(db);
  const product = (await sql<{ id: string }>`select id from catalogue_products where kind = 'service' and status = 'active'`.execute(db)).rows[0]!.id;
  const me = new FormClient(app);
  await signUpAndConfirm(me, db, customer);
  const other = new FormClient(app);
  await signUpAndConfirm(other, db, { name: 'Oswin Elsewhere', email: 'oswin.elsewhere@example.com', password: 'granite-lantern-64-sparrow' });
  await workers[0]!.start();
  const state = { registration: '', device: '', key: '', contactSubject: '', customerSubject: '', leave: '' };
  const api = (path: string, body: unknown, key = state.key) =>
    app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, payload: JSON.stringify(body) });
  const events = () => `/api/services/devices/${state.device}/events`;

  await t.test('[P004-04] a signed-in customer registers a monitoring service: site, equipment and a contact; the key is shown once; support staff see it to authenticate and support', async () => {
    const form = await me.get('/account/services/new');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, new RegExp(`<option value="${product}">`));

    const bad = await me.post('/account/services/new', {
      product,
      site: '',
      address: site.address,
      model: 'BMS-48',
      serial: 'SN 1',
      sensors: 'many',
      contact_name: engineer.name,
      contact_email: 'not-an-address',
      contact_phone: '',
    });
    assert.equal(bad.statusCode, 400);
    for (const field of ['site', 'sensors', 'contact_email']) assert.match(bad.body, new RegExp(`href="#f-${field}"`), `names ${field}`);
    assert.equal(await count(db, 'services_registrations'), 0, 'a refused form keeps nothing');

    const made = await me.post('/account/services/new', {
      product,
      ...site,
      model: 'BMS-48',
      serial: 'SN-2024-0042',
      sensors: '24',
      contact_name: engineer.name,
      contact_email: engineer.email,
      contact_phone: engineer.phone,
    });
    assert.equal(made.statusCode, 201, made.body.slice(0, 500));
    state.device = /Device id: <code>([0-9a-f-]{36})<\/code>/.exec(made.body)?.[1] ?? '';
    state.key = /Key: <code>(csd_[A-Za-z0-9_-]{43})<\/code>/.exec(made.body)?.[1] ?? '';
    assert.ok(state.device && state.key, 'the device id and key are on the answer');
    const row = (await sql<{ id: string; customer_subject: string; equipment_model: string; sensors: number }>`select * from services_registrations`.execute(db)).rows[0]!;
    state.registration = row.id;
    state.customerSubject = row.customer_subject;
    assert.deepEqual([row.equipment_model, row.sensors], ['BMS-48', 24]);

    // The site is the customer's kernel item; the module's tables keep no site, name, address or key.
    const dump = JSON.stringify(
      (await sql`select r.*, d.*, c.* from services_registrations r join services_devices d on d.registration_id = r.id join services_contacts c on c.registration_id = r.id`.execute(db)).rows,
    );
    for (const text of [site.site, site.address, engineer.name, engineer.email, engineer.phone, state.key]) assert.ok(!dump.includes(text), `no plain ${text} in the services tables`);
    const siteItem = await app.privacy.read(db, {
      subject: row.customer_subject,
      actor: selfActor(row.customer_subject),
      purpose: 'software-registration',
      categories: ['user.location.precise'],
      ref: `services:${row.id}`,
    });
    assert.deepEqual(
      siteItem.items.map((i) => [i.purpose, i.value]),
      [['software-registration', site]],
    );

    const page = await me.get(`/account/services/${row.id}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(site.site) && page.body.includes(site.address) && page.body.includes(engineer.name));
    assert.ok(!page.body.includes(state.key), 'the key is never shown again');

    assert.equal((await other.get(`/account/services/${row.id}`)).statusCode, 404, "another customer's service is not found");

    const support = await staffClient(app, db, supportStaff);
    const list = await support.get('/staff/services');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`/staff/services/${row.id}`));
    const detail = await support.get(`/staff/services/${row.id}`);
    assert.equal(detail.statusCode, 200);
    assert.ok(detail.body.includes(site.address) && detail.body.includes('SN-2024-0042') && detail.body.includes(engineer.email));
  });

  await t.test('[P004-08] the contact is their own subject, told by mail who added them and how to leave; the contact data is never the customer’s', async () => {
    const contact = (await sql<{ contact_subject: string }>`select contact_subject from services_contacts`.execute(db)).rows[0]!;
    state.contactSubject = contact.contact_subject;
    assert.notEqual(contact.contact_subject, state.customerSubject);
    // Their own data, under the monitoring purpose, which covers service contacts and nobody else.
    const contactData = await app.privacy.read(db, { subject: contact.contact_subject, actor: contacts, purpose: 'monitoring', categories: contactCategories });
    assert.deepEqual(contactData.values, { 'user.name': engineer.name, 'user.contact.email': engineer.email, 'user.contact.phone_number': engineer.phone });
    assert.deepEqual([...new Set(contactData.items.map((i) => i.purpose))], ['monitoring']);
    await assert.rejects(app.privacy.read(db, { subject: state.customerSubject, actor: contacts, purpose: 'monitoring', categories: contactCategories }), isPrivacyRefusal);
    const added = await mailTo(sink, engineer.email, /you are a contact of a monitoring service/);
    assert.match(added.text, new RegExp(`Hello ${engineer.name},`));
    assert.match(added.text, /added you, at the request of the customer/);
    assert.match(added.text, /never share/);
    state.leave = leavePathOf(added);
    assert.equal(
      (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where params::text like ${`%${state.leave.split('/').at(-1)}%`}`.execute(db)).rows[0]!.n,
      0,
      'the link is sealed, not a plain outbox parameter',
    );
  });

  await t.test('the device API: its own key only, bad bodies named, events recorded', async () => {
    assert.equal((await api(events(), { type: 'string-voltage', severity: 'info' }, '')).statusCode, 401, 'no key');
    const wrong = await api(events(), { type: 'string-voltage', severity: 'info' }, `csd_${'A'.repeat(43)}`);
    assert.equal(wrong.statusCode, 401);
    assert.equal(JSON.parse(wrong.body).error.code, 'UNAUTHENTICATED');
    const unknown = await api('/api/services/devices/00000000-0000-4000-8000-000000000000/events', { type: 'x', severity: 'info' });
    assert.equal(unknown.statusCode, 404);
    assert.ok(!unknown.body.includes(state.registration));
    const bad = await api(events(), { type: 'string-voltage', severity: 'panic' });
    assert.equal(bad.statusCode, 400);
    assert.ok(
      JSON.parse(bad.body).error.fields.some((f: { field: string }) => /severity/.test(f.field)),
      bad.body,
    );
    const ok = await api(events(), { type: 'string-voltage', severity: 'info', reading: 52.4, unit: 'V' });
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal(JSON.parse(ok.body).alerted, 0);
    assert.equal(await count(db, 'services_events'), 1);
  });

  await t.test('[P004-08] an alert mails every contact once, with a removal link that removes and erases them at once; the customer sees they left and the timeline', async () => {
    const id = '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';
    const alert = await api(events(), { id, type: 'cell-voltage-low', severity: 'alert', reading: 1.72, unit: 'V' });
    assert.equal(alert.statusCode, 202, alert.body);
    assert.equal(JSON.parse(alert.body).alerted, 1);
    assert.equal(JSON.parse((await api(events(), { id, type: 'cell-voltage-low', severity: 'alert' })).body).alerted, 0, 'the same event again mails nobody');
    const mail = await mailTo(sink, engineer.email, /^Alert: cell-voltage-low/);
    assert.match(mail.text, /reading 1\.72 V/);
    const path = leavePathOf(mail);
    assert.equal(path, state.leave, 'every mail carries the same working link');
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'services.alert'`.execute(db)).rows[0]!.n, 1);

    const timeline = await me.get(`/account/services/${state.registration}`);
    assert.match(timeline.body, /cell-voltage-low/);
    assert.match(timeline.body, /Events \(2\)/);

    const stranger = new FormClient(app);
    const page = await stranger.get(path);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Remove me and erase my details/);
    assert.equal((await stranger.get(`${path.slice(0, -2)}AA`)).statusCode, 400, 'an altered link is refused');
    const left = await stranger.post(path, {});
    assert.equal(left.statusCode, 200, left.body.slice(0, 300));
    assert.match(left.body, /no longer a contact/);
    assert.equal(await subjectStatus(db, state.contactSubject), 'erased');
    assert.equal((await stranger.get(path)).statusCode, 200, 'the link again says they left');

    const after = await me.get(`/account/services/${state.registration}`);
    assert.match(after.body, /removed themselves with the link in our mail/);
    assert.ok(!after.body.includes(engineer.name), 'their name is gone');
    assert.equal(JSON.parse((await api(events(), { type: 'cell-voltage-low', severity: 'alert' })).body).alerted, 0, 'a contact who left gets no alert');
  });

  await t.test('the device API is rate limited per device', async () => {
    let refused = null;
    // Bad bodies count too (the device is counted once it is known), and are cheap.
    for (let i = 0; i < 64 && !refused; i++) {
      const res = await api(events(), { type: 'x', severity: 'panic' });
      if (res.statusCode === 429) refused = res;
      else assert.equal(res.statusCode, 400);
    }
    assert.ok(refused, 'the device is refused past its allowance');
    assert.equal(JSON.parse(refused.body).error.code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    await sql`update services_devices set rate_window = null`.execute(db);
  });

  await t.test('[P004-08] the weekly report job mails each current contact once; the customer removes a contact', async () => {
    await me.get(`/account/services/${state.registration}`);
    const missing = await me.post(`/account/services/${state.registration}/contacts`, { name: '', email: second.email, phone: '' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /href="#f-name"/);
    const added = await me.post(`/account/services/${state.registration}/contacts`, { name: second.name, email: second.email, phone: '' });
    assert.equal(added.statusCode, 303, added.body.slice(0, 300));
    await mailTo(sink, second.email, /you are a contact of a monitoring service/);

    // Last week's events: the report counts them.
    const now = new Date();
    const today = Math.floor(now.getTime() / 86_400_000) * 86_400_000;
    const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * 86_400_000;
    const lastWeek = new Date(monday - 3 * 86_400_000).toISOString();
    assert.equal((await api(events(), { type: 'cell-voltage-low', severity: 'alert', occurred_at: lastWeek })).statusCode, 202);
    assert.equal((await api(events(), { type: 'string-voltage', severity: 'warning', occurred_at: lastWeek })).statusCode, 202);
    await mailTo(sink, second.email, /^Alert: cell-voltage-low/);

    for (let run = 0; run < 2; run++) {
      await enqueue(db, 'services.report', {});
      await waitFor('the report job', async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = 'services.report' and state <> 'done'`.execute(db)).rows[0]!.n === 0);
    }
    const report = await mailTo(sink, second.email, /^Weekly monitoring report/);
    assert.match(report.text, /1 alerts, 1 warnings and 0 other readings/);
    leavePathOf(report);
    const reports = (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'services.report'`.execute(db)).rows[0]!.n;
    assert.equal(reports, 1, 'one report to the one current contact, however often the job runs');

    const contact = (await sql<{ id: string; contact_subject: string }>`select id, contact_subject from services_contacts where contact_subject is not null`.execute(db)).rows[0]!;
    await me.get(`/account/services/${state.registration}`);
    const removed = await me.post(`/account/services/${state.registration}/contacts/${contact.id}/remove`, {});
    assert.equal(removed.statusCode, 303);
    assert.equal(await subjectStatus(db, contact.contact_subject), 'erased');
    assert.match((await me.get(`/account/services/${state.registration}`)).body, /you removed them/);
  });

  await t.test('[P004-02] one data map covers the site, the monitoring service and the software: the policy, the published data map and the export show the monitoring data', async () => {
    const policy = await new FormClient(app).get('/privacy');
    assert.equal(policy.statusCode, 200);
    for (const words of ['Monitoring service', 'Software registration', 'Location of a service site or device', 'Contact registered for a monitoring or online software service'])
      assert.ok(policy.body.includes(words), `the policy names ${words}`);
    const fides = await new FormClient(app).get('/privacy/datamap.fides.yml');
    assert.equal(fides.statusCode, 200);
    assert.match(fides.body, /service_contact/);
    assert.match(fides.body, /user\.location\.precise/);

    const exported = JSON.parse((await me.get('/account/privacy/export.json')).body) as { sections: { id: string; records: Record<string, unknown>[] }[] };
    assertFollowsExportSchema(exported);
    const registrations = exported.sections.find((s) => s.id === 'service-registrations');
    assert.ok(registrations, 'the export has the registrations');
    const [record] = registrations.records as { equipment_serial: string; events: { type: string }[]; contacts: { left_at: string | null }[] }[];
    assert.equal(record!.equipment_serial, 'SN-2024-0042');
    assert.equal(record!.events.length, 5);
    assert.equal(record!.contacts.length, 2);
    const personal = exported.sections.find((s) => s.id === 'personal-data')!.records.find((r) => r.category === 'user.location.precise');
    assert.deepEqual(personal?.value, site);
    assert.equal(personal?.purpose, 'software-registration');
  });

  await t.test("a contact's own export has their part and nothing of the customer's, and the customer's copy has nothing of theirs", async () => {
    await me.get(`/account/services/${state.registration}`);
    assert.equal((await me.post(`/account/services/${state.registration}/contacts`, { name: engineer.name, email: engineer.email, phone: '' })).statusCode, 303);
    const subject = (await sql<{ contact_subject: string }>`select contact_subject from services_contacts where contact_subject is not null`.execute(db)).rows[0]!.contact_subject;
    const deps: RightsDeps = { kernel: app.privacy, config, holders: () => holdersOf(modules), now: () => new Date(), log: app.log as unknown as RightsDeps['log'], wiring: app.wiring };
    const doc = await buildExport(deps, db, subject, testActor('test'));
    const text = JSON.stringify(doc);
    assertFollowsExportSchema(doc);
    assert.ok(doc.sections.some((s) => s.id === 'service-contact'));
    assert.ok(text.includes(engineer.email));
    for (const other of [site.address, 'SN-2024-0042', customer.email]) assert.ok(!text.includes(other), `no ${other}`);
    const customers = (await me.get('/account/privacy/export.json')).body;
    assert.ok(customers.includes('SN-2024-0042') && !customers.includes(engineer.email) && !customers.includes(engineer.name), "the contact's details are not in the customer's copy");
  });

  await t.test('the customer corrects the site and the equipment: the site item is rewritten, not added to; a bad value is named and changes nothing', async () => {
    const edit = await me.get(`/account/services/${state.registration}/edit`);
    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, new RegExp(`value="${site.address}"`));
    assert.match(edit.body, /value="SN-2024-0042"/);
    assert.equal((await other.get(`/account/services/${state.registration}/edit`)).statusCode, 404, "another customer's service is not found");
    const moved = { site: 'North substation (new hall)', address: '9 Relay Road, Dayton' };
    const bad = await me.post(`/account/services/${state.registration}/edit`, { ...moved, model: 'BMS-48', serial: 'SN-2024-0042', sensors: '0' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#f-sensors"/);
    assert.ok(!(await me.get(`/account/services/${state.registration}`)).body.includes(moved.address), 'a refused form changes nothing');
    await me.get(`/account/services/${state.registration}/edit`);
    const saved = await me.post(`/account/services/${state.registration}/edit`, { ...moved, model: 'BMS-64', serial: 'SN-2024-0042', sensors: '32' });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
    const page = await me.get(`/account/services/${state.registration}`);
    assert.match(page.body, /Saved\./);
    assert.ok(page.body.includes(moved.address) && page.body.includes('BMS-64') && !page.body.includes(site.address));
    const items = (
      await app.privacy.read(db, {
        subject: state.customerSubject,
        actor: selfActor(state.customerSubject),
        purpose: 'software-registration',
        categories: ['user.location.precise'],
        ref: `services:${state.registration}`,
      })
    ).items;
    assert.deepEqual(
      items.map((i) => i.value),
      [moved],
      'one site item, corrected',
    );
    const support = await staffClient(app, db, { ...supportStaff, email: 'second.support@shop.test' });
    assert.ok((await support.get(`/staff/services/${state.registration}`)).body.includes(moved.address), 'support sees the corrected site');
    Object.assign(site, moved);
  });

  await t.test('[P004-08] the customer ends a service: its key stops working, its events and site go, its contacts are erased; the other service stays', async () => {
    await me.get('/account/services/new');
    const made = await me.post('/account/services/new', {
      product,
      site: 'Depot 7',
      address: '7 Depot Lane, Akron',
      model: 'BMS-12',
      serial: 'SN-END-7',
      sensors: '4',
      contact_name: 'Piet Nightshift',
      contact_email: 'piet.nightshift@example.net',
      contact_phone: '',
    });
    assert.equal(made.statusCode, 201);
    const device = /Device id: <code>([0-9a-f-]{36})<\/code>/.exec(made.body)![1]!;
    const key = /Key: <code>(csd_[A-Za-z0-9_-]{43})<\/code>/.exec(made.body)![1]!;
    const ending = (await sql<{ id: string }>`select id from services_registrations where equipment_serial = 'SN-END-7'`.execute(db)).rows[0]!.id;
    const contact = (await sql<{ contact_subject: string }>`select contact_subject from services_contacts where registration_id = ${ending}`.execute(db)).rows[0]!.contact_subject;
    assert.equal((await api(`/api/services/devices/${device}/events`, { type: 'door-open', severity: 'info' }, key)).statusCode, 202);

    await me.get(`/account/services/${ending}`);
    const asked = await me.post(`/account/services/${ending}/end`, {});
    assert.equal(asked.statusCode, 200, 'the first post asks to confirm');
    assert.match(asked.body, /every contact is removed and their details erased/);
    assert.equal(await count(db, 'services_registrations'), 2, 'nothing ended before the confirmation');
    const ended = await me.post(`/account/services/${ending}/end`, { confirm: '1' });
    assert.equal(ended.statusCode, 303);
    assert.match((await me.get('/account/services')).body, /The service was ended/);

    assert.equal((await sql<{ n: number }>`select count(*)::int as n from services_registrations where id = ${ending}`.execute(db)).rows[0]!.n, 0);
    assert.equal(await subjectStatus(db, contact), 'erased', 'its contact is erased');
    assert.equal((await api(`/api/services/devices/${device}/events`, { type: 'door-open', severity: 'info' }, key)).statusCode, 404, 'its device is gone');
    const left = await app.privacy.read(db, { subject: state.customerSubject, actor: selfActor(state.customerSubject), purpose: 'software-registration', categories: ['user.location.precise'] });
    assert.deepEqual(
      left.items.map((i) => i.ref),
      [`services:${state.registration}`],
      'its site is deleted; the other service’s stays',
    );
    assert.equal((await me.get(`/account/services/${ending}`)).statusCode, 404);
    assert.equal((await me.get(`/account/services/${state.registration}`)).statusCode, 200, 'the other service stays');
    await other.get('/account/services/new');
    assert.equal((await other.post(`/account/services/${state.registration}/end`, { confirm: '1' })).statusCode, 404, "nobody ends another customer's service");
  });

  await t.test('[P004-08] deleting the customer removes registrations, devices and events and erases every contact', async () => {
    const contacts = (await sql<{ contact_subject: string }>`select contact_subject from services_contacts where contact_subject is not null`.execute(db)).rows;
    assert.equal(contacts.length, 1);
    await me.get('/account/privacy/delete');
    assert.equal((await me.post('/account/privacy/delete', { password: customer.password })).statusCode, 200);
    await waitFor(
      'the deletion',
      async () => (await sql<{ n: number }>`select count(*)::int as n from rights_requests where kind = 'deletion' and step = 'unlinked'`.execute(db)).rows[0]!.n === 1,
      60_000,
    );
    for (const table of ['services_registrations', 'services_contacts', 'services_devices', 'services_events']) assert.equal(await count(db, table), 0, `${table} is empty`);
    assert.equal(await subjectStatus(db, contacts[0]!.contact_subject), 'erased');
    assert.equal((await api(events(), { type: 'x', severity: 'info' })).statusCode, 404, 'the device is gone');
  });
});
