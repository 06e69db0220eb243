import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { customer, FormClient, signUpAndConfirm, staffClient } from '../../accounts/testing.ts';
import { modules } from '../../modules.ts';
import { enqueue, collectJobs } from '../../platform/jobs/index.ts';
import { testWorker, waitFor } from '../../platform/jobs/testing/support.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { SEAL_JOB } from '../../privacy/testing.ts';
import { verifyAuditLog } from '../../privacy/index.ts';
import { escapeHtml } from '../../web/template.ts';
import { loadCatalogue } from './catalogue.ts';
import { evidenceKeyProblem } from './evidence-keys.ts';

const password = 'amber-lighthouse-27-quietly-sings';

/** The report's row of one promise. */
function row(page: string, id: string): string {
  const start = page.indexOf(`<tr id="${id}">`);
  assert.ok(start >= 0, `the report has a row for ${id}`);
  return page.slice(start, page.indexOf('</tr>', start));
}

testEachDatabase(
  '[P000-16] the privacy officer’s promise report and data map: every promise with its mechanism, live figures that follow real refusals and erasures, status counts and the audit chain verified; DPO and owners only',
  async (database, t) => {
    const { app, config } = await buildTestApp(database);
    const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
    t.after(async () => {
      await worker.stop(5000);
      await app.close();
    });
    const db = database.db;
    const map = app.privacy.map;
    const catalogue = loadCatalogue((key) => evidenceKeyProblem(key, map));
    const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password });
    const owner = await staffClient(app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password });
    const support = await staffClient(app, db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password });
    const packer = await staffClient(app, db, { name: 'Pat Packer', email: 'pat@shop.example', role: 'fulfilment', password });

    const before = await dpo.get('/staff/dpo/report');
    assert.equal(before.statusCode, 200, before.body.slice(0, 300));
    assert.equal(before.body.match(/<tr id="P\d{3}-\d{2}">/g)?.length, 103, 'every promise has its row');
    const text = (html: string) => html.replace(/<[^>]+>/g, '');
    for (const p of catalogue.promises) assert.ok(text(row(before.body, p.id)).includes(escapeHtml(p.mechanism.replaceAll('`', ''))), `${p.id} shows its mechanism`);
    for (const status of ['kept', 'partial', 'not yet'] as const) {
      const n = catalogue.promises.filter((p) => p.status === status).length;
      assert.ok(before.body.includes(`<li><span class="status status-${status.replace(' ', '-')}">${status}</span> ${n}</li>`), `the summary counts ${n} ${status}`);
    }
    // An unkept promise names the roadmap step that brings the rest (whichever step-7 promise is still open).
    const open7 = catalogue.promises.find((p) => p.roadmap === 7);
    if (open7) assert.match(row(before.body, open7.id), /Roadmap step 7: Analytics, cookies, TLS, backups, retention, self-check/);
    assert.ok(row(before.body, 'P000-02').includes('reads refused outside their purpose: 0'));
    assert.ok(row(before.body, 'P000-12').includes('erasures completed: 0'));
    assert.ok(row(before.body, 'P000-12').includes('deletion requests: none, 0 overdue'));
    assert.match(before.body, /The audit log verifies: no entry was changed, removed or reordered/);

    // Real actions through the app: a customer signs up; a packer asks for their address under
    // order-status (refused: that purpose may not use it); the customer deletes their account.
    const shopper = new FormClient(app, '127.0.0.9');
    await signUpAndConfirm(shopper, db);
    const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db);
    const subject = rows[0]!.subject_id;
    const refused = await packer.json('GET', `/api/staff/customers/${subject}?purpose=order-status&categories=user.contact.address`);
    assert.equal(refused.statusCode, 403);
    await worker.start();
    await shopper.get('/account/privacy/delete');
    assert.equal((await shopper.post('/account/privacy/delete', { password: customer.password })).statusCode, 200);
    await waitFor(
      'the deletion to complete',
      async () => (await sql<{ n: number }>`select count(*)::int as n from rights_requests where kind = 'deletion' and status = 'completed'`.execute(db)).rows[0]!.n,
      60_000,
    );
    await enqueue(db, SEAL_JOB, {});
    await waitFor('the sealer to seal', async () => (await verifyAuditLog(db)).sealed, 20_000);
    await app.privacy.flush();

    const after = await dpo.get('/staff/dpo/report');
    assert.equal(after.statusCode, 200);
    assert.ok(row(after.body, 'P000-02').includes('reads refused outside their purpose: 1'), row(after.body, 'P000-02'));
    assert.ok(row(after.body, 'P000-12').includes('erasures completed: 1'));
    assert.ok(row(after.body, 'P000-12').includes('deletion requests: 1 completed, 0 overdue'));
    assert.match(row(after.body, 'P002-19'), /uses refused beyond a staff role: 0/, 'a purpose refusal is not counted as a role refusal');
    assert.match(row(after.body, 'P000-16'), /privacy-officer listings and reports, each audited: 1</, 'the first look is on record (each look is counted after its figures)');
    assert.match(after.body, /The audit log verifies/);
    assert.match(after.body, /Entries sealed in the hash chain: [1-9]\d*, up to link/);
    assert.match(after.body, /Anchor outside the database: link \d+, recorded [^,]+, still in the chain unchanged/);
    for (const personal of [customer.name, customer.email, subject]) assert.ok(!after.body.includes(personal), 'nothing on the report points at a person');

    assert.equal((await owner.get('/staff/dpo/report')).statusCode, 200, 'owners read the report too');
    const third = await dpo.get('/staff/dpo/report');
    assert.match(row(third.body, 'P000-16'), /privacy-officer listings and reports, each audited: 3</, 'every look at the report is audited, the owner’s too');

    const mapPage = await dpo.get('/staff/dpo/datamap');
    assert.equal(mapPage.statusCode, 200);
    for (const p of map.purposes.values()) assert.ok(mapPage.body.includes(`id="purpose-${p.id}"`) && mapPage.body.includes(escapeHtml(p.name)), `purpose ${p.id}`);
    for (const r of map.recipients.values()) assert.ok(mapPage.body.includes(escapeHtml(r.name)), `recipient ${r.id}`);
    for (const r of map.roles.values()) assert.ok(mapPage.body.includes(`id="role-${r.id}"`), `role ${r.id}`);
    for (const p of map.projections.values()) assert.ok(mapPage.body.includes(`id="projection-${p.id}"`), `projection ${p.id}`);
    for (const j of map.jobs.values()) assert.ok(mapPage.body.includes(`id="job-${j.id}"`), `job ${j.id}`);
    for (const c of map.categories.values()) assert.ok(mapPage.body.includes(`<code>${c.key}</code>`), `category ${c.key}`);
    for (const r of map.retention.rules) assert.ok(mapPage.body.includes(escapeHtml(r.reason)), `retention of ${r.category} for ${r.purpose}`);
    for (const v of map.policyVersions) assert.ok(mapPage.body.includes(`Version ${v.version}, in force from`));
    assert.match(mapPage.body, /<td data-label="Stored">never<\/td>/, 'card numbers are never stored');
    assert.match(mapPage.body, /<td data-label="Blind index">email<\/td>/);
    assert.match(mapPage.body, /<code>us<\/code>: All data is stored in the United States/);
    assert.match(mapPage.body, /datamap export --format fides/);
    assert.equal((await owner.get('/staff/dpo/datamap')).statusCode, 200);

    for (const url of ['/staff/dpo/report', '/staff/dpo/datamap']) {
      assert.equal((await support.get(url)).statusCode, 403, `${url}: support is not the privacy officer`);
      const stranger = await new FormClient(app).get(url);
      assert.equal(stranger.statusCode, 303, url);
      assert.equal(stranger.headers.location, '/staff/login');
    }
  },
  { timeout: 240_000 },
);
