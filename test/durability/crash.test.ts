// Crash safety under kill -9 (issue 18): processes are killed in the middle of checkouts, renewals
// and sends, then restarted; every paid order exists once with one payment, every subscription due
// is renewed once (one charge, one period), every mail is delivered, nothing is half-written, every
// job resumes, and the audit chain verifies.
//
// Each kill lands at a chosen point, not after a sleep: the payment processor (the sandbox, in this
// test process) is reached through a proxy that kills the calling process once the processor has
// acted and before the caller hears of it (the N-th checkout session made, the N-th renewal
// charged), and the SMTP server kills the sending process once it holds the N-th message and before
// its 250. PGlite: the one shop process (web and worker) is killed and restarted on its DATA_DIR.
// PostgreSQL: two app processes and two workers; the app or the worker doing the work is killed
// and restarted while the others go on.
//
// The leases a killed process held (its jobs: 60 s, a mail it was sending: 180 s) are run out by
// moving their end into the past, which is what waiting would do; nothing else is touched.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { startSmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { type Db, pgliteDirFor } from '../../src/platform/db/database.ts';
import { enqueue } from '../../src/platform/jobs/index.ts';
import { createScratchPostgres, migratedPostgresTemplate, testEngines } from '../../src/platform/testing/databases.ts';
import { startTestSandbox, submitPayForm, TEST_CARD } from '../../src/sandbox-processor/testing.ts';
import { interceptingProxy, senderOf, until, type Answered } from './crash-kit.ts';
import { type CrashProcs, crashProcs, crashShopEnv, within, stopGracefully } from './crash-procs.ts';
import { assertMailDelivered, cartWith, checkout, distinctIds, halfWritten, makePlan, outboxIdOf, pending, seedPGlite, type Shopper } from './crash-shop.ts';
import { runCli, stopProcess, tempDataDir } from './shop-process.ts';

const BUYERS = 6;
const SESSION = /^POST \/v1\/checkout-sessions$/;
const CHARGE = /^POST \/v1\/payment-methods\/[^/]+\/charges$/;

/** A kill armed for the `after`-th matching answer of the processor to one of `who`. */
interface Tripwire {
  what: RegExp;
  who: readonly string[];
  after: number;
  seen: number;
  fired: string | null;
}

interface Buyer extends Shopper {
  /** The answer the buyer got before the kill, if any. */
  first: { number: string; next: string } | null;
  placed: { number: string; next: string } | null;
}

for (const engine of testEngines()) {
  test(`kill -9 mid-checkout, mid-renewal and mid-send: every paid order once, every renewal once, every mail delivered, nothing half-written [${engine}]`, { timeout: 600_000 }, async (t) => {
    await crashRun(engine, t);
  });
}

async function crashRun(engine: 'pglite' | 'postgres', t: TestContext): Promise<void> {
  const pg = engine === 'postgres';
  const started = Date.now();
  const dataDir = tempDataDir();
  // Both start migrated: the migrations' own test is elsewhere, and here they would take most of the time.
  const scratch = pg ? await createScratchPostgres(await migratedPostgresTemplate()) : null;
  const sandbox = await startTestSandbox();
  let wire: Tripwire | null = null;
  let mailWire: { after: number; seen: number; fired: number | null } | null = null;
  let h: CrashProcs | null = null;
  const procs = () => h!.procs;

  const onAnswered = (name: string) => (a: Answered) => {
    const w = wire;
    if (!w || w.fired || !w.who.includes(name) || a.status >= 300 || !w.what.test(`${a.method} ${a.path.split('?')[0]}`)) return false;
    if (++w.seen < w.after) return false;
    w.fired = name;
    h!.kill(name);
    return true;
  };
  const smtp = await startSmtpSink({
    async onMessage(mail) {
      const w = mailWire;
      if (!w || w.fired !== null || ++w.seen < w.after) return;
      // The sender holds the message's lease and waits for this 250: kill it now.
      const pid = pg ? await senderOf(h!.db!, outboxIdOf(mail)!) : procs().get('shop')!.child.pid!;
      const victim = [...procs().entries()].find(([, p]) => p.child.pid === pid);
      assert.ok(victim, `the sender of message ${w.seen} is one of ours (pid ${pid})`);
      w.fired = pid;
      h!.kill(victim[0]);
    },
  });
  const names = pg ? ['A', 'B', 'W1', 'W2'] : ['shop'];
  const proxies = new Map(await Promise.all(names.map(async (n) => [n, await interceptingProxy(sandbox.url, onAnswered(n))] as const)));
  t.after(async () => {
    await within(h?.close() ?? Promise.resolve());
    await within(Promise.all([sandbox.stop(), smtp.stop(), ...[...proxies.values()].map((p) => p.close())]));
    await within(scratch?.drop() ?? Promise.resolve());
  });
  const webhookApp = pg ? 'B' : 'shop';
  const checkoutApp = pg ? 'A' : 'shop';
  const retryApps = pg ? ['A', 'B'] : ['shop'];
  const workers = pg ? ['W1', 'W2'] : ['shop'];
  h = await crashProcs({
    t,
    dataDir,
    databaseUrl: scratch?.url ?? null,
    env: (name) => crashShopEnv({ dataDir, databaseUrl: scratch?.url ?? null, processorUrl: proxies.get(name)!.url, smtpUrl: smtp.url }),
    killedOnPurpose: (name, pid) => wire?.fired === name || (mailWire?.fired != null && mailWire.fired === pid),
    onReady: (name, shop) => {
      if (name === webhookApp) sandbox.setWebhookUrl(`${shop.url}/payments/webhook/sandbox`);
    },
  });
  const { app, start, inspect, afterKill, logs, inFlight } = h;
  const pgDb = h.db;
  const charges = () =>
    readFileSync(join(sandbox.dir, 'processor.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"event":"charged"')).length;

  // A monthly plan to buy (the staff JSON API makes no plans), then the shop.
  const planVariant = pg ? await makePlan(pgDb!) : await seedPGlite(pgliteDirFor(dataDir), makePlan);
  // The first process migrates nothing more but makes the keyring; the others open it.
  await start(names[0]!);
  await Promise.all(names.slice(1).map(start));

  // 1. Checkouts: the app is killed once the processor has opened the third session, before the app hears of it.
  const buyers: Buyer[] = [];
  for (let i = 0; i < BUYERS; i++) buyers.push({ i, key: `crash-${engine}-${i}-${randomBytes(8).toString('hex')}`, cookie: await cartWith(app(checkoutApp), planVariant), first: null, placed: null });
  wire = { what: SESSION, who: [checkoutApp], after: 3, seen: 0, fired: null };
  await Promise.all(
    buyers.map(async (b) => {
      const answer = await checkout(app(checkoutApp), b).catch(() => null);
      if (answer?.status === 201) b.first = answer.body;
    }),
  );
  assert.equal(wire.fired, checkoutApp, 'the kill landed on the third session');
  await afterKill(checkoutApp);
  const answered = buyers.filter((b) => b.first).length;
  t.diagnostic(`checkout: ${answered} of ${BUYERS} buyers answered before the kill`);
  assert.ok(answered < BUYERS, 'some checkouts were cut off');
  await inspect(async (db) => assert.deepEqual(await halfWritten(db), [], 'nothing half-written after the kill'));
  await start(checkoutApp);

  // Every buyer retries with the same key (on PostgreSQL, half of them on the other app): one order each.
  for (const b of buyers) {
    const on = app(retryApps[b.i % retryApps.length]!);
    const answer = await checkout(on, b);
    assert.equal(answer.status, 201, `buyer ${b.i} retried on ${on.url}: ${JSON.stringify(answer.body)}\n${on.output().slice(-2000)}`);
    if (b.first) assert.deepEqual([answer.body, answer.replayed], [b.first, true], `buyer ${b.i} had an answer: the retry replays it`);
    b.placed = answer.body;
  }
  assert.equal(new Set(buyers.map((b) => b.placed!.number)).size, BUYERS, 'one order per buyer');
  for (const b of buyers) {
    const paid = await submitPayForm(b.placed!.next, TEST_CARD);
    assert.equal(paid.status, 303, `buyer ${b.i} paid: ${paid.body}`);
    const back = await fetch(`${app(webhookApp).url}${new URL(paid.location!).pathname}`, { headers: { cookie: b.cookie }, redirect: 'manual' });
    assert.ok([200, 303].includes(back.status), `buyer ${b.i} came back: ${back.status}`);
  }

  // 2. Renewals: every plan is due; the worker running the renewal batch is killed once the processor made its third charge.
  if (!pg) await stopGracefully(app('shop'));
  const firstPeriodEnds = await inspect(async (db) => {
    // A month passes: each first period (and its invoice) is moved back to have ended a minute ago.
    const shift = sql`(s.current_period_end - ${new Date().toISOString()}::timestamptz + interval '1 minute')`;
    await sql`update subscriptions_invoices i set period_start = i.period_start - ${shift}, period_end = i.period_end - ${shift}
      from subscriptions_subscriptions s where s.id = i.subscription_id`.execute(db);
    const { rows } = await sql<{ id: string; current_period_end: Date }>`
      update subscriptions_subscriptions s set current_period_start = s.current_period_start - ${shift}, current_period_end = s.current_period_end - ${shift}
      returning id, current_period_end`.execute(db);
    assert.equal(rows.length, BUYERS, 'a subscription per paid plan');
    wire = { what: CHARGE, who: workers, after: 3, seen: 0, fired: null };
    await enqueue(db, 'subscriptions.renew');
    return new Map(rows.map((r) => [r.id, r.current_period_end.getTime()]));
  });
  if (!pg) await start('shop');
  await until('the renewal batch is cut off', () => wire?.fired != null, 90_000, logs);
  const renewalVictim = wire.fired!;
  const cutOff = await afterKill(renewalVictim);
  const { renewed } = await inspect(async (db) => ({ renewed: (await renewalInvoices(db)).length }));
  t.diagnostic(`renewal: killed ${renewalVictim} after ${charges()} charges, ${renewed} renewals committed, ${cutOff.length} mails cut off`);
  assert.equal(charges(), 3, 'the processor charged three renewals before the kill');
  assert.equal(renewed, 2, 'the third charge was not committed by the shop: it is the one in the window');
  await inspect(async (db) => assert.deepEqual(await halfWritten(db), []));

  // 3. Sends: the worker is restarted; the one sending the second mail after that is killed before the server's 250.
  mailWire = { after: 2, seen: 0, fired: null };
  await start(renewalVictim);
  await until('a send is cut off', () => mailWire?.fired != null, 90_000, logs);
  const sendVictim = [...procs().entries()].find(([, p]) => p.child.pid === mailWire!.fired)![0];
  const cutSends = await afterKill(sendVictim);
  assert.ok(cutSends.length >= 1, 'the killed worker was sending when it died');
  t.diagnostic(`sends: killed ${sendVictim} with ${cutSends.length} mail(s) in flight, ${smtp.received.length} received so far`);
  await inspect(async (db) => assert.deepEqual(await halfWritten(db), []));
  await start(sendVictim);

  // 4. Everything resumes: the renewals, the mails.
  await until('every renewal charged', () => charges() >= BUYERS, 90_000);
  if (pg) {
    await until('the renewals and the outbox are done', async () => (await renewalInvoices(pgDb!)).length === BUYERS && (await pending(pgDb!)) === 0, 90_000);
    await Promise.all([...procs().values()].map((p) => ('url' in p ? stopGracefully(p) : stopProcess(p))));
  } else {
    // PGlite cannot be read while the shop runs: wait for the mails the database says are due, then stop it.
    for (const deadline = Date.now() + 120_000; ; ) {
      assert.ok(Date.now() < deadline, `the renewals and the outbox were not done within 120 s\n${logs()}`);
      const before = distinctIds(smtp.received).size;
      await new Promise((r) => setTimeout(r, 1500));
      if (distinctIds(smtp.received).size === before && charges() >= BUYERS) {
        await stopGracefully(app('shop'));
        if ((await inspect(pending)) === 0 && (await inspect(renewalInvoices)).length === BUYERS) break;
        await start('shop');
      }
    }
  }

  // 5. The end state.
  await inspect(async (db) => {
    assert.deepEqual(await halfWritten(db), []);
    const orders = await sql<{ number: string; status: string; attempts: number; succeeded: number; lines: number }>`
      select o.number, o.status,
             (select count(*)::int from payments_attempts p where p.order_id = o.id) as attempts,
             (select count(*)::int from payments_attempts p where p.order_id = o.id and p.status = 'succeeded') as succeeded,
             (select count(*)::int from orders_lines l where l.order_id = o.id) as lines
      from orders o order by o.number`.execute(db);
    assert.deepEqual(
      orders.rows.map((o) => [o.number, o.status, o.attempts, o.succeeded, o.lines]),
      buyers.map((b) => [b.placed!.number, 'paid', 1, 1, 1]).sort(),
      'every order paid once, with one payment and its line; no other order',
    );
    const invoices = await renewalInvoices(db);
    assert.equal(invoices.length, BUYERS, 'every due subscription renewed');
    for (const inv of invoices) {
      assert.equal(inv.status, 'paid');
      assert.equal(inv.period_start.getTime(), firstPeriodEnds.get(inv.subscription_id), 'the renewal is the period after the one paid at checkout');
    }
    const { rows: perSub } = await sql<{ n: number }>`select count(*)::int as n from subscriptions_invoices group by subscription_id`.execute(db);
    assert.deepEqual(
      perSub.map((r) => r.n),
      Array(BUYERS).fill(2),
      'two invoices each: the checkout and one renewal',
    );
    assert.equal(charges(), BUYERS, 'one charge at the processor per renewal, the cut-off one included');

    const { rows: jobs } = await sql<{ name: string; state: string; last_error: string | null }>`select name, state, last_error from jobs where state <> 'done'`.execute(db);
    assert.deepEqual(
      jobs.filter((j) => j.state !== 'queued'),
      [],
      'no job is dead or left running',
    );
    const { rows: resumed } = await sql<{ name: string }>`select name from jobs where state = 'done' and last_error like 'LEASE_EXPIRED%'`.execute(db);
    assert.ok(
      resumed.some((j) => j.name === 'subscriptions.renew'),
      'the killed renewal job resumed and finished',
    );
    assert.ok(
      resumed.some((j) => j.name === 'comms.send'),
      'the killed send resumed and finished',
    );

    // At least once (decision 0054): only a message in flight at a kill may arrive twice, and then identical.
    const byId = await assertMailDelivered(db, smtp.received, inFlight);
    t.diagnostic(`${smtp.received.length} deliveries of ${byId.size} messages; ${inFlight.size} in flight at kills; ${resumed.length} jobs resumed after a lease ran out`);
  });
  const verify = await runCli(['audit', 'verify'], { DATA_DIR: dataDir, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
  assert.equal(verify.code, 0, `custodian audit verify:\n${verify.output}`);
  t.diagnostic(`${engine}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Invoices of the renewals (every invoice after the one paid at checkout). */
async function renewalInvoices(db: Db) {
  const { rows } = await sql<{ subscription_id: string; status: string; period_start: Date }>`
    select i.subscription_id, i.status, i.period_start from subscriptions_invoices i
    where i.period_start > (select min(f.period_start) from subscriptions_invoices f where f.subscription_id = i.subscription_id)`.execute(db);
  return rows;
}
