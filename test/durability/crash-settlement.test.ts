// Crash safety under kill -9 while a payment is settled (issue 18, decision 0072): the app that
// receives the processor's webhook is killed once it has answered 200 and before the processor
// hears it, then killed as a webhook arrives, before it has processed it; the worker running the
// payments.reconcile job is killed once the processor has answered its status query for a payment,
// before the shop commits what it learnt. After each kill and restart: every paid order paid once
// with one succeeded payment, nothing half-written, one receipt per order (a resent one the same
// message), no job dead or stuck, and `custodian audit verify` passes.
//
// Each kill lands at a chosen point, not after a sleep: the processor (the sandbox, in this test
// process) posts its webhooks to a proxy in front of the shop's webhook endpoint, which kills the
// app on the delivery's arrival or on its answer; the shop reaches the processor through a proxy
// that kills the worker once the processor has answered. A delivery the processor retries while no
// app is up waits in the proxy until one is (a load balancer would). PGlite: the one shop process
// (web and worker) is killed and restarted on its DATA_DIR. PostgreSQL: two apps and two workers;
// the webhook app or the reconciling worker is killed and restarted while the others go on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { startSmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { RECONCILE_JOB } from '../../src/commerce/payments/index.ts';
import { type Db, pgliteDirFor } from '../../src/platform/db/database.ts';
import { enqueue } from '../../src/platform/jobs/index.ts';
import { createScratchPostgres, migratedPostgresTemplate, testEngines } from '../../src/platform/testing/databases.ts';
import { startTestSandbox, submitPayForm, TEST_CARD } from '../../src/sandbox-processor/testing.ts';
import { interceptingProxy, until, type Answered } from './crash-kit.ts';
import { type CrashProcs, crashProcs, crashShopEnv, within, stopGracefully } from './crash-procs.ts';
import { assertMailDelivered, cartWith, checkout, distinctIds, halfWritten, makePlan, seedPGlite, type Shopper } from './crash-shop.ts';
import { runCli, stopProcess, tempDataDir } from './shop-process.ts';

/** Buyer 0: its webhook's app is killed after answering; 1: on the webhook's arrival; 2–4: their webhooks never come, reconcile settles them. */
const BUYERS = 5;
const RECONCILED = [2, 3, 4];
const STATUS_QUERY = /^GET \/v1\/checkout-sessions\/[^/]+$/;
const WEBHOOK_PATH = '/payments/webhook/sandbox';
/** A paid plan: the order's receipt, and the subscription's mail. */
const MAILS_PER_BUYER = 2;

interface Buyer extends Shopper {
  order: { number: string; next: string };
}

interface Delivery {
  status: number;
  body: string;
  /** Delivered after the last webhook kill. */
  afterKill: boolean;
}

for (const engine of testEngines()) {
  test(`kill -9 while a payment is settled (webhook answered, webhook arriving, reconcile answered): every paid order once, one receipt each, nothing half-written [${engine}]`, {
    timeout: 240_000,
  }, async (t) => {
    await settlementRun(engine, t);
  });
}

async function settlementRun(engine: 'pglite' | 'postgres', t: TestContext): Promise<void> {
  const pg = engine === 'postgres';
  const started = Date.now();
  const dataDir = tempDataDir();
  const scratch = pg ? await createScratchPostgres(await migratedPostgresTemplate()) : null;
  // The processor retries a webhook that got no 2xx; a few more times than the test default, as a
  // retry may wait in the proxy (up to the processor's 10 s per delivery) while the shop restarts.
  const sandbox = await startTestSandbox({ webhookRetryDelaysMs: [50, 100, 200, 400, 800] });
  const smtp = await startSmtpSink();
  let h: CrashProcs | null = null;
  /** The reconcile kill: after the `after`-th status answer to a worker. */
  let wire: { after: number; seen: number; fired: string | null } | null = null;
  /** The webhook kill: on a delivery's arrival, or on the app's answer. */
  let hookWire: { at: 'arrived' | 'answered'; fired: string | null } | null = null;
  const deliveries: Delivery[] = [];

  const webhookApps = pg ? ['B', 'A'] : ['shop'];
  const workers = pg ? ['W1', 'W2'] : ['shop'];
  const names = pg ? ['A', 'B', 'W1', 'W2'] : ['shop'];
  const onProcessorAnswer = (name: string) => (a: Answered) => {
    const w = wire;
    if (!w || w.fired || !workers.includes(name) || a.status !== 200 || !STATUS_QUERY.test(`${a.method} ${a.path.split('?')[0]}`)) return false;
    if (++w.seen < w.after) return false;
    w.fired = name;
    h!.kill(name);
    return true;
  };
  const processorProxies = new Map(await Promise.all(names.map(async (n) => [n, await interceptingProxy(sandbox.url, onProcessorAnswer(n))] as const)));
  // The webhook goes to the first app that is up (B before A), waiting while none is.
  const webhookTarget = async () => {
    let url = '';
    await until('an app is up to take the webhook', () => {
      const name = webhookApps.find((n) => h!.isUp(n));
      if (name) url = h!.app(name).url;
      return name !== undefined;
    });
    return url;
  };
  const webhookProxy = await interceptingProxy(
    webhookTarget,
    (a) => {
      const w = hookWire;
      if (w?.at === 'answered' && !w.fired && a.status === 200) {
        w.fired = webhookApps.find((n) => h!.app(n)?.url === a.target)!;
        h!.kill(w.fired);
        return true;
      }
      deliveries.push({ status: a.status, body: a.body, afterKill: w?.fired != null });
      return false;
    },
    () => {
      const w = hookWire;
      if (w?.at !== 'arrived' || w.fired) return false;
      w.fired = webhookApps.find((n) => h!.isUp(n))!;
      h!.kill(w.fired);
      return true;
    },
  );
  sandbox.setWebhookUrl(`${webhookProxy.url}${WEBHOOK_PATH}`);
  t.after(async () => {
    await within(h?.close() ?? Promise.resolve());
    await within(Promise.all([sandbox.stop(), smtp.stop(), webhookProxy.close(), ...[...processorProxies.values()].map((p) => p.close())]));
    await within(scratch?.drop() ?? Promise.resolve());
  });
  h = await crashProcs({
    t,
    dataDir,
    databaseUrl: scratch?.url ?? null,
    env: (name) => crashShopEnv({ dataDir, databaseUrl: scratch?.url ?? null, processorUrl: processorProxies.get(name)!.url, smtpUrl: smtp.url }),
    killedOnPurpose: (name) => wire?.fired === name || hookWire?.fired === name,
  });
  const { app, start, inspect, afterKill, logs, lap, inFlight } = h;
  const checkoutApp = pg ? 'A' : 'shop';
  const webhookApp = webhookApps[0]!;
  const processorSaw = (event: string) =>
    readFileSync(join(sandbox.dir, 'processor.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"event":"${event}"`)).length;
  const stateOf = (db: Db, b: Buyer) =>
    sql<{ order: string; payment: string }>`select o.status as order, p.status as payment from orders o join payments_attempts p on p.order_id = o.id where o.number = ${b.order.number}`
      .execute(db)
      .then((r) => r.rows);
  const afterEachKill = async (name: string, check: (db: Db) => Promise<void>) => {
    await afterKill(name);
    await inspect(async (db) => {
      assert.deepEqual(await halfWritten(db), [], 'nothing half-written after the kill');
      await check(db);
    });
    await start(name);
  };

  const planVariant = pg ? await makePlan(h.db!) : await seedPGlite(pgliteDirFor(dataDir));
  await start(names[0]!);
  await Promise.all(names.slice(1).map(start));

  // Every buyer checks out (no kill here: crash.test.ts kills checkouts) and is sent to the processor.
  const buyers: Buyer[] = await Promise.all(
    Array.from({ length: BUYERS }, async (_, i) => {
      const shopper = { i, key: `settle-${engine}-${i}-${randomBytes(8).toString('hex')}`, cookie: await cartWith(app(checkoutApp), planVariant) };
      const placed = await checkout(app(checkoutApp), shopper);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      return { ...shopper, order: placed.body };
    }),
  );
  // The buyers pay and close the tab: only the webhook or the reconcile job tells the shop.
  const pay = async (b: Buyer) => {
    const paid = await submitPayForm(b.order.next, TEST_CARD);
    assert.equal(paid.status, 303, `buyer ${b.i} paid: ${paid.body}`);
  };
  const settledByRetry = async (what: string) => {
    await until(what, () => deliveries.some((d) => d.afterKill && d.status === 200), 90_000, logs);
    // Once as a rule; twice if a retry the processor gave up on had already been passed on.
    const retried = deliveries.filter((d) => d.afterKill).map((d) => [d.status, JSON.parse(d.body)]);
    assert.deepEqual(
      retried,
      retried.map(() => [200, { received: true, status: 'succeeded' }]),
      'the processor retried the webhook, and the shop answered the payment succeeded',
    );
    deliveries.length = 0;
  };

  // 1. The webhook of buyer 0: the app settles it, answers 200, and is killed before the processor hears it.
  hookWire = { at: 'answered', fired: null };
  await pay(buyers[0]!);
  await until('the webhook app answered and was killed', () => hookWire?.fired != null, 60_000, logs);
  assert.equal(hookWire.fired, webhookApp);
  await afterEachKill(webhookApp, async (db) => {
    assert.deepEqual(await stateOf(db, buyers[0]!), [{ order: 'paid', payment: 'succeeded' }], 'the settlement the app answered for was committed');
  });
  await settledByRetry('the processor retried the webhook of buyer 0');

  // 2. The webhook of buyer 1: the app is killed as it arrives; the processor's retry settles it.
  hookWire = { at: 'arrived', fired: null };
  await pay(buyers[1]!);
  await until('the webhook app was killed as the webhook arrived', () => hookWire?.fired != null, 60_000, logs);
  assert.equal(hookWire.fired, webhookApp);
  await afterEachKill(webhookApp, async (db) => {
    assert.deepEqual(await stateOf(db, buyers[1]!), [{ order: 'pending_payment', payment: 'open' }], 'the webhook was not processed');
  });
  await settledByRetry('the processor retried the webhook of buyer 1');
  hookWire = null;

  // 3. Buyers 2–4 pay while the processor has no webhook address: the shop never hears of it. Five
  // minutes pass (their payments' creation is moved back, as waiting would), and the reconcile job
  // runs; the worker running it is killed once the processor has answered its second status query.
  sandbox.setWebhookUrl(null);
  for (const i of RECONCILED) await pay(buyers[i]!);
  if (!pg) await stopGracefully(app('shop'));
  wire = { after: 2, seen: 0, fired: null };
  await inspect(async (db) => {
    const { rows } = await sql<{ id: string }>`update payments_attempts set created_at = created_at - interval '6 minutes' where status = 'open' returning id`.execute(db);
    assert.equal(rows.length, RECONCILED.length, 'the payments whose webhook never came are the open ones');
    await enqueue(db, RECONCILE_JOB);
  });
  if (!pg) await start('shop');
  await until('the reconcile job is cut off', () => wire?.fired != null, 90_000, logs);
  const reconcileVictim = wire.fired!;
  await afterEachKill(reconcileVictim, async (db) => {
    const states = (await Promise.all(RECONCILED.map((i) => stateOf(db, buyers[i]!)))).flat();
    const settled = states.filter((s) => s.payment === 'succeeded').length;
    t.diagnostic(`reconcile: killed ${reconcileVictim} after ${wire!.seen} status answers, ${settled} settlements committed`);
    assert.ok(settled < wire!.seen, 'what the processor answered last was not committed: it is the one in the window');
    for (const s of states) assert.ok(['pending_payment/open', 'paid/succeeded'].includes(`${s.order}/${s.payment}`), JSON.stringify(s));
  });

  // 4. Everything resumes: the reconcile job settles the rest, every receipt is sent.
  await until("every mail of every order (its receipt and its subscription's)", () => distinctIds(smtp.received).size >= MAILS_PER_BUYER * BUYERS, 90_000, logs);
  lap('every mail received');
  if (pg) {
    await until('the jobs and the outbox are done', async () => (await doneAfterKills(h!.db!)) === '', 60_000, logs);
    await Promise.all([...h.procs.values()].map((p) => ('url' in p ? stopGracefully(p) : stopProcess(p))));
  } else {
    // PGlite cannot be read while the shop runs: stop it (running jobs finish first) and look.
    await stopGracefully(app('shop'));
    const left = await inspect(doneAfterKills);
    assert.equal(left, '', `the shop stopped with work left\n${logs()}`);
  }

  // 5. The end state.
  await inspect(async (db) => {
    assert.deepEqual(await halfWritten(db), []);
    const orders = await sql<{ number: string; status: string; attempts: number; succeeded: number; receipts: number }>`
      select o.number, o.status,
             (select count(*)::int from payments_attempts p where p.order_id = o.id) as attempts,
             (select count(*)::int from payments_attempts p where p.order_id = o.id and p.status = 'succeeded') as succeeded,
             (select count(*)::int from comms_outbox m join orders_transitions t on m.idempotency_key = 'orders.receipt:' || t.id
               where t.order_id = o.id and m.template = 'orders.receipt') as receipts
      from orders o order by o.number`.execute(db);
    assert.deepEqual(
      orders.rows.map((o) => [o.number, o.status, o.attempts, o.succeeded, o.receipts]),
      buyers.map((b) => [b.order.number, 'paid', 1, 1, 1]).sort(),
      'every order paid once, with one payment and one receipt; no other order',
    );
    assert.equal(processorSaw('succeeded'), BUYERS, 'the processor took each payment once');
    const { rows: jobs } = await sql<{ name: string; state: string }>`select name, state from jobs where state in ('dead', 'running')`.execute(db);
    assert.deepEqual(jobs, [], 'no job is dead or left running');
    const { rows: resumed } = await sql<{ name: string }>`select name from jobs where state = 'done' and last_error like 'LEASE_EXPIRED%'`.execute(db);
    assert.ok(
      resumed.some((j) => j.name === RECONCILE_JOB),
      'the killed reconcile job resumed and finished',
    );
    const byId = await assertMailDelivered(db, smtp.received, inFlight);
    for (const b of buyers) {
      const messages = [...byId.values()].filter((copies) => copies[0]!.subject?.includes(`order ${b.order.number} `));
      assert.equal(messages.length, 1, `one receipt message reached buyer ${b.i} (order ${b.order.number})`);
    }
    t.diagnostic(`${smtp.received.length} deliveries of ${byId.size} messages; ${inFlight.size} in flight at kills`);
  });
  lap('end state checked');
  const verify = await runCli(['audit', 'verify'], { DATA_DIR: dataDir, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
  assert.equal(verify.code, 0, `custodian audit verify:\n${verify.output}`);
  lap(`${engine}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** What is not yet done of the work the kills interrupted: '' when the reconcile job that was killed finished and every mail is out. */
async function doneAfterKills(db: Db): Promise<string> {
  const { rows } = await sql<{ left: string }>`
    select concat_ws(', ',
      case when not exists (select 1 from jobs where name = ${RECONCILE_JOB} and state = 'done' and last_error like 'LEASE_EXPIRED%') then 'the killed reconcile job' end,
      case when exists (select 1 from jobs where state = 'running') then 'running jobs' end,
      case when exists (select 1 from comms_outbox where status = 'queued') then 'queued mail' end) as left`.execute(db);
  return rows[0]!.left;
}
