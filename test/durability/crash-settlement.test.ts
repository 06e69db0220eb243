// Crash safety under kill -9 while a payment is settled (issue 18, decision 0072): the app that
// receives the processor's webhook is killed once it has answered 200 and before the processor
// hears it, then killed as a webhook arrives, before it has processed it; the app serving the
// return page is killed once the processor has answered its status query for one buyer's payment
// (learnt, not committed) while its answer to another buyer's return is held back (committed,
// unheard); the worker running checkout's expiry job is killed once the processor has cancelled the
// second of three unpaid sessions; the worker running the payments.reconcile job is killed once the
// processor has answered its status query for a payment, before the shop commits what it learnt.
// After each kill and restart: every paid order paid once with one succeeded payment, every expired
// order cancelled once with its stock back once, nothing half-written, one mail per order (a resent
// one the same message), no job dead or stuck, and `custodian audit verify` passes.
//
// Each kill lands at a chosen point, not after a sleep: the processor (the sandbox, in this test
// process) posts its webhooks, and the buyers come back, through a proxy in front of the shop's
// apps, which kills the app on a request's arrival or on its answer; the shop reaches the processor
// through a proxy that kills the process once the processor has answered. A request that arrives
// while no app is up waits in the proxy until one is (a load balancer would). PGlite: the one shop
// process (web and worker) is killed and restarted on its DATA_DIR. PostgreSQL: two apps and two
// workers; the app or worker concerned is killed and restarted while the others go on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { startSmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { EXPIRE_JOB, PAYMENT_WAIT_MINUTES } from '../../src/commerce/checkout/index.ts';
import { RECONCILE_JOB } from '../../src/commerce/payments/index.ts';
import { type Db, pgliteDirFor } from '../../src/platform/db/database.ts';
import { enqueue } from '../../src/platform/jobs/index.ts';
import { createScratchPostgres, migratedPostgresTemplate, testEngines } from '../../src/platform/testing/databases.ts';
import { startTestSandbox, submitPayForm, TEST_CARD } from '../../src/sandbox-processor/testing.ts';
import { interceptingProxy, until, type Answered } from './crash-kit.ts';
import { type CrashProcs, crashProcs, crashShopEnv, within, stopGracefully } from './crash-procs.ts';
import { assertMailDelivered, cartWith, checkout, distinctIds, halfWritten, makePlan, makeStocked, seedPGlite, type Shopper } from './crash-shop.ts';
import { runCli, stopProcess, tempDataDir } from './shop-process.ts';

/**
 * The buyers of the plan, who pay. 0: its webhook's app is killed after answering; 1: on the
 * webhook's arrival; 2–4: their webhooks never come, reconcile settles them; 5 and 6: the return page.
 */
const PAYING = 7;
const RECONCILED = [2, 3, 4];
/** The return page: the app has answered 6's (the answer held back) when it learns 5's, and is killed. */
const RETURN_LEARNT = 5;
const RETURN_ANSWERED = 6;
/** The buyers of the stocked product, who never pay: the expiry job cancels their orders. */
const EXPIRING = [7, 8, 9];
const STOCK = 10;
const STATUS_QUERY = /^GET \/v1\/checkout-sessions\/[^/]+$/;
const CANCEL = /^POST \/v1\/checkout-sessions\/[^/]+\/expire$/;
const WEBHOOK_PATH = '/payments/webhook/sandbox';
/** Each buyer: their account's mail (made at checkout), and the order's receipt or (expired) its status mail. */
const MAILS_PER_BUYER = 2;

interface Buyer extends Shopper {
  order: { number: string; next: string };
}

/** A kill once the processor has answered one of `procs` for the `after`-th time a request that `matches`. */
interface Wire {
  procs: string[];
  matches(request: string): boolean;
  after: number;
  seen: number;
  fired: string | null;
  /** Called once the process is killed. */
  onFire?(): void;
}

/** A return page's answer held back from the buyer until `cut` settles: the app that answered it. */
interface Held {
  path: string;
  app: string | null;
  cut: Promise<boolean>;
  release(cut: boolean): void;
}

interface Delivery {
  status: number;
  body: string;
  /** Delivered after the last webhook kill. */
  afterKill: boolean;
}

for (const engine of testEngines()) {
  test(`kill -9 while a payment is settled (webhook answered, webhook arriving, return page learnt and answered, reconcile answered) and while unpaid checkouts expire: every paid order once, one receipt each, stock back once, nothing half-written [${engine}]`, {
    // Five shop starts: some 20 s each on an idle 2-core machine, 50 s beside CI's other files.
    timeout: 600_000,
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
  /** The kill at the processor's answer (the return page's, the expiry job's, the reconcile job's). */
  let wire: Wire | null = null;
  /** The webhook kill: on a delivery's arrival, or on the app's answer. */
  let hookWire: { at: 'arrived' | 'answered'; fired: string | null } | null = null;
  let held: Held | null = null;
  const deliveries: Delivery[] = [];

  /** The apps behind the proxy that takes the webhooks and the buyers' returns, the first up first. */
  const frontApps = pg ? ['B', 'A'] : ['shop'];
  const workers = pg ? ['W1', 'W2'] : ['shop'];
  const names = pg ? ['A', 'B', 'W1', 'W2'] : ['shop'];
  const onProcessorAnswer = (name: string) => (a: Answered) => {
    const w = wire;
    if (!w || w.fired || !w.procs.includes(name) || a.status !== 200 || !w.matches(`${a.method} ${a.path.split('?')[0]}`)) return false;
    if (++w.seen < w.after) return false;
    w.fired = name;
    h!.kill(name);
    w.onFire?.();
    return true;
  };
  const processorProxies = new Map(await Promise.all(names.map(async (n) => [n, await interceptingProxy(sandbox.url, onProcessorAnswer(n))] as const)));
  // A webhook or a return goes to the first app that is up (B before A), waiting while none is.
  const frontTarget = async () => {
    let url = '';
    await until('an app is up to take the request', () => {
      const name = frontApps.find((n) => h!.isUp(n));
      if (name) url = h!.app(name).url;
      return name !== undefined;
    });
    return url;
  };
  const appNamed = (url: string) => frontApps.find((n) => h!.app(n)?.url === url)!;
  const appProxy = await interceptingProxy(
    frontTarget,
    (a) => {
      if (a.path.startsWith('/checkout/return/')) {
        const r = held;
        if (!r || r.app || a.path !== r.path || a.status !== 303) return false;
        r.app = appNamed(a.target);
        return r.cut;
      }
      const w = hookWire;
      if (w?.at === 'answered' && !w.fired && a.status === 200) {
        w.fired = appNamed(a.target);
        h!.kill(w.fired);
        return true;
      }
      deliveries.push({ status: a.status, body: a.body, afterKill: w?.fired != null });
      return false;
    },
    () => {
      const w = hookWire;
      if (w?.at !== 'arrived' || w.fired) return false;
      w.fired = frontApps.find((n) => h!.isUp(n))!;
      h!.kill(w.fired);
      return true;
    },
  );
  sandbox.setWebhookUrl(`${appProxy.url}${WEBHOOK_PATH}`);
  t.after(async () => {
    await within(h?.close() ?? Promise.resolve());
    await within(Promise.all([sandbox.stop(), smtp.stop(), appProxy.close(), ...[...processorProxies.values()].map((p) => p.close())]));
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
  const webhookApp = frontApps[0]!;
  /** The sessions of the processor's log lines of this event, one per line. */
  const processorSaw = (event: string): string[] =>
    readFileSync(join(sandbox.dir, 'processor.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"event":"${event}"`))
      .map((l) => (JSON.parse(l) as { session: string }).session);
  const sessionOf = (b: Buyer) => /\/pay\/([^/?#]+)/.exec(b.order.next)![1]!;
  const stateOf = (db: Db, b: Buyer) =>
    sql<{ order: string; payment: string }>`select o.status as order, p.status as payment from orders o join payments_attempts p on p.order_id = o.id where o.number = ${b.order.number}`
      .execute(db)
      .then((r) => r.rows);
  // Looked at before the killed process's leases run out: on PostgreSQL nobody takes its work over meanwhile.
  const afterEachKill = async (name: string, check: (db: Db) => Promise<void>) => {
    await afterKill(name, async (db) => {
      assert.deepEqual(await halfWritten(db), [], 'nothing half-written after the kill');
      await check(db);
    });
    await start(name);
  };
  const seed = async (db: Db) => ({ plan: await makePlan(db), stocked: await makeStocked(db, STOCK) });
  const { plan: planVariant, stocked } = pg ? await seed(h.db!) : await seedPGlite(pgliteDirFor(dataDir), seed);
  /** The stocked variant's stock, and the units held by checkouts that wait for payment: the two add up to STOCK. */
  const stockOf = async (db: Db) =>
    (
      await sql<{ stock: number; held: number }>`select (select stock from catalogue_variants where id = ${stocked}) as stock,
        (select coalesce(sum(held_units), 0)::int from checkout_attempts where state = 'awaiting_payment') as held`.execute(db)
    ).rows[0]!;
  await start(names[0]!);
  await Promise.all(names.slice(1).map(start));

  // Every buyer checks out (no kill here: crash.test.ts kills checkouts) and is sent to the processor.
  const buyers: Buyer[] = await Promise.all(
    Array.from({ length: PAYING + EXPIRING.length }, async (_, i) => {
      const variant = EXPIRING.includes(i) ? stocked : planVariant;
      const shopper = { i, key: `settle-${engine}-${i}-${randomBytes(8).toString('hex')}`, cookie: await cartWith(app(checkoutApp), variant) };
      const placed = await checkout(app(checkoutApp), shopper);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      return { ...shopper, order: placed.body };
    }),
  );
  // The buyers pay and close the tab: only the webhook or the reconcile job tells the shop.
  /** Pays on the processor's page; answers the path of the shop's return page it sends the buyer to. */
  const pay = async (b: Buyer) => {
    const paid = await submitPayForm(b.order.next, TEST_CARD);
    assert.equal(paid.status, 303, `buyer ${b.i} paid: ${paid.body}`);
    const back = new URL(paid.location!);
    return back.pathname + back.search;
  };
  const returnTo = (path: string, b: Buyer) => fetch(`${appProxy.url}${path}`, { redirect: 'manual', headers: { cookie: b.cookie }, signal: AbortSignal.timeout(30_000) });
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
  // From here on the processor has no webhook address: only the buyers' returns and the shop's own jobs tell the shop.
  sandbox.setWebhookUrl(null);

  // 3. The return page. Buyers 5 and 6 pay and come back. The app settles 6's payment and answers;
  // the answer is held back. Then the processor answers the app's status query for 5's payment, and
  // the app is killed: 6's settlement committed (it answered) but unheard, 5's learnt, not committed.
  const returns = new Map(await Promise.all([RETURN_LEARNT, RETURN_ANSWERED].map(async (i) => [i, await pay(buyers[i]!)] as const)));
  const hold = Promise.withResolvers<boolean>();
  held = { path: returns.get(RETURN_ANSWERED)!, app: null, cut: hold.promise, release: hold.resolve };
  const heard = (res: Promise<Response>) =>
    res.then(
      (r) => `answered ${r.status}`,
      () => 'cut',
    );
  const answered = heard(returnTo(held.path, buyers[RETURN_ANSWERED]!));
  await until('the return page of buyer 6 answered', () => held?.app != null, 30_000, logs);
  const returnApp = held.app!;
  const learnt = `GET /v1/checkout-sessions/${sessionOf(buyers[RETURN_LEARNT]!)}`;
  wire = { procs: [returnApp], matches: (r) => r === learnt, after: 1, seen: 0, fired: null, onFire: () => held?.release(true) };
  const cut = heard(returnTo(returns.get(RETURN_LEARNT)!, buyers[RETURN_LEARNT]!));
  assert.deepEqual([await answered, await cut], ['cut', 'cut'], 'neither buyer heard the app');
  assert.equal(wire.fired, returnApp);
  // 4. Buyers 7–9 never pay. An hour passes for their checkouts (their creation is moved back: set
  // up here, while PGlite is down anyway) and checkout's expiry job runs; the worker running it is
  // killed once the processor has answered its cancel of the second session.
  const expiry: Wire = { procs: workers, matches: (r) => CANCEL.test(r), after: 2, seen: 0, fired: null };
  const expiring = EXPIRING.map((i) => buyers[i]!.order.number);
  await afterEachKill(returnApp, async (db) => {
    assert.deepEqual(await stateOf(db, buyers[RETURN_ANSWERED]!), [{ order: 'paid', payment: 'succeeded' }], 'the settlement the return page answered for was committed');
    assert.deepEqual(await stateOf(db, buyers[RETURN_LEARNT]!), [{ order: 'pending_payment', payment: 'open' }], 'the settlement learnt at the kill was not committed');
    assert.deepEqual(await stockOf(db), { stock: STOCK - EXPIRING.length, held: EXPIRING.length }, 'the unpaid checkouts hold their stock');
    wire = expiry;
    const { rows } = await sql`update checkout_attempts a set created_at = a.created_at - make_interval(mins => ${PAYMENT_WAIT_MINUTES + 1})
      from orders o where o.id = a.order_id and o.number = any(${expiring}::text[]) returning a.order_id`.execute(db);
    assert.equal(rows.length, EXPIRING.length);
    await enqueue(db, EXPIRE_JOB);
  });
  await until('the expiry job is cut off', () => expiry.fired != null, 90_000, logs);
  const expiryVictim = expiry.fired!;
  await afterEachKill(expiryVictim, async (db) => {
    const states = (await Promise.all(EXPIRING.map((i) => stateOf(db, buyers[i]!)))).flat().map((s) => `${s.order}/${s.payment}`);
    assert.deepEqual(
      states.sort(),
      ['cancelled/expired', 'pending_payment/open', 'pending_payment/open'],
      'one expiry committed; the second cancelled at the processor, not committed; the third not reached',
    );
    assert.equal(processorSaw('expired').length, 2, 'the processor cancelled two sessions');
    assert.deepEqual(await stockOf(db), { stock: STOCK - 2, held: 2 }, 'the committed expiry gave its stock back, the others hold theirs');
  });
  // 5. The buyers reload the return page (after both restarts): 5's payment is settled now, 6's
  // was; both are sent to their order's page and see it. The expiry job meanwhile runs again.
  for (const i of [RETURN_LEARNT, RETURN_ANSWERED]) {
    const b = buyers[i]!;
    const again = await returnTo(returns.get(i)!, b);
    assert.equal(again.status, 303, `buyer ${i}'s return page after the restart: ${await again.text()}`);
    const done = await fetch(new URL(again.headers.get('location')!, appProxy.url), { headers: { cookie: b.cookie } });
    const page = await done.text();
    assert.equal(done.status, 200, page);
    assert.ok(page.includes(b.order.number), `buyer ${i} sees order ${b.order.number}`);
  }
  const sessions = EXPIRING.map((i) => sessionOf(buyers[i]!)).sort();
  await until('the expiry job cancelled the third session', () => processorSaw('expired').length >= EXPIRING.length, 90_000, logs);
  if (pg) await until('the expiry job is done', async () => !(await doneAfterKills(h!.db!)).includes('expiry'), 60_000, logs);

  // 6. Buyers 2–4 pay while the processor has no webhook address: the shop never hears of it. Five
  // minutes pass (their payments' creation is moved back, as waiting would), and the reconcile job
  // runs; the worker running it is killed once the processor has answered its second status query.
  for (const i of RECONCILED) await pay(buyers[i]!);
  if (!pg) await stopGracefully(app('shop'));
  wire = { procs: workers, matches: (r) => STATUS_QUERY.test(r), after: 2, seen: 0, fired: null };
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

  // 7. Everything resumes: the reconcile job settles the rest, every mail is sent.
  await until('every mail of every buyer', () => distinctIds(smtp.received).size >= MAILS_PER_BUYER * buyers.length, 90_000, logs);
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

  // 8. The end state.
  await inspect(async (db) => {
    assert.deepEqual(await halfWritten(db), []);
    const orders = await sql<{ number: string; status: string; attempts: number; succeeded: number; expired: number; receipts: number; cancellations: number }>`
      select o.number, o.status,
             (select count(*)::int from payments_attempts p where p.order_id = o.id) as attempts,
             (select count(*)::int from payments_attempts p where p.order_id = o.id and p.status = 'succeeded') as succeeded,
             (select count(*)::int from payments_attempts p where p.order_id = o.id and p.status = 'expired') as expired,
             (select count(*)::int from comms_outbox m join orders_transitions t on m.idempotency_key = 'orders.receipt:' || t.id
               where t.order_id = o.id and m.template = 'orders.receipt') as receipts,
             (select count(*)::int from orders_transitions t where t.order_id = o.id and t.to_status = 'cancelled' and t.reason = 'payment_expired') as cancellations
      from orders o order by o.number`.execute(db);
    assert.deepEqual(
      orders.rows.map((o) => [o.number, o.status, o.attempts, o.succeeded, o.expired, o.receipts, o.cancellations]),
      buyers.map((b) => (EXPIRING.includes(b.i) ? [b.order.number, 'cancelled', 1, 0, 1, 0, 1] : [b.order.number, 'paid', 1, 1, 0, 1, 0])).sort(),
      'every paid order paid once, with one payment and one receipt; every expired one cancelled once, its payment expired; no other order',
    );
    assert.equal(processorSaw('succeeded').length, PAYING, 'the processor took each payment once');
    assert.deepEqual(processorSaw('expired').sort(), sessions, 'the processor cancelled the session of each expired order, once');
    assert.deepEqual(await stockOf(db), { stock: STOCK, held: 0 }, 'the expired orders gave their stock back, once');
    const { rows: jobs } = await sql<{ name: string; state: string }>`select name, state from jobs where state in ('dead', 'running')`.execute(db);
    assert.deepEqual(jobs, [], 'no job is dead or left running');
    const { rows: resumed } = await sql<{ name: string }>`select name from jobs where state = 'done' and last_error like 'LEASE_EXPIRED%'`.execute(db);
    assert.deepEqual(
      [RECONCILE_JOB, EXPIRE_JOB].filter((name) => !resumed.some((j) => j.name === name)),
      [],
      'the killed reconcile and expiry jobs resumed and finished',
    );
    const byId = await assertMailDelivered(db, smtp.received, inFlight);
    for (const b of buyers) {
      // A receipt says "…order C-… at Shop"; a status mail "Order C-…: Cancelled".
      const [mail, about] = EXPIRING.includes(b.i) ? ['cancellation', `Order ${b.order.number}: `] : ['receipt', `order ${b.order.number} `];
      const messages = [...byId.values()].filter((copies) => copies[0]!.subject?.includes(about));
      assert.equal(messages.length, 1, `one ${mail} message reached buyer ${b.i} (order ${b.order.number})`);
    }
    t.diagnostic(`${smtp.received.length} deliveries of ${byId.size} messages; ${inFlight.size} in flight at kills`);
  });
  lap('end state checked');
  const verify = await runCli(['audit', 'verify'], { DATA_DIR: dataDir, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
  assert.equal(verify.code, 0, `custodian audit verify:\n${verify.output}`);
  lap(`${engine}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** What is not yet done of the work the kills interrupted: '' when the jobs that were killed finished and every mail is out. */
async function doneAfterKills(db: Db): Promise<string> {
  const { rows } = await sql<{ left: string }>`
    select concat_ws(', ',
      case when not exists (select 1 from jobs where name = ${EXPIRE_JOB} and state = 'done' and last_error like 'LEASE_EXPIRED%') then 'the killed expiry job' end,
      case when not exists (select 1 from jobs where name = ${RECONCILE_JOB} and state = 'done' and last_error like 'LEASE_EXPIRED%') then 'the killed reconcile job' end,
      case when exists (select 1 from jobs where state = 'running') then 'running jobs' end,
      case when exists (select 1 from comms_outbox where status = 'queued') then 'queued mail' end) as left`.execute(db);
  return rows[0]!.left;
}
