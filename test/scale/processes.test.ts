// Several app and worker processes on one PostgreSQL database (issue 18): 3 app processes
// (RUN_WORKER=false) and 2 workers (`npm run worker`) share one DATA_DIR (the keyring) and one
// database. The rate limit holds across them (decision 0066): a client that spreads its requests
// over the three gets RATE_LIMIT_PER_MINUTE in all, not three times that. Concurrent checkouts go
// through all three, each submitted twice at once and retried: one order and one charge each,
// none lost, every outbox mail sent once, every job run once, and the audit chain verifies.
// PostgreSQL only: the embedded PGlite belongs to one process by design (its directory is locked),
// so there is nothing to share there.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import { makeShop } from '../../src/commerce/cart/testing.ts';
import { startSmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createScratchPostgres, testEngines } from '../../src/platform/testing/databases.ts';
import { startTestSandbox, submitPayForm, TEST_CARD, TEST_SANDBOX_SECRET } from '../../src/sandbox-processor/testing.ts';
import { ensureStopped, runCli, type ShopProcess, STAFF_TOKEN, startShopProcess, startWorkerProcess, stopProcess, tempDataDir, type WorkerProcess } from '../durability/shop-process.ts';

const LIMIT = 30;
const onPostgres = testEngines().includes('postgres');
const skip = onPostgres ? false : 'PostgreSQL only (set DATABASE_URL): PGlite is one process by design, so no limit is shared between processes there';

test('3 app processes and 2 workers on one PostgreSQL database', { skip, timeout: 240_000 }, async (t) => {
  const scratch = await createScratchPostgres();
  const dataDir = tempDataDir();
  const sandbox = await startTestSandbox();
  const smtp = await startSmtpSink();
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    DATABASE_URL: scratch.url,
    RUN_WORKER: 'false',
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    // Clients are told apart by X-Forwarded-For, so the harness's own readiness probes (from
    // 127.0.0.1) do not count against the clients of the test.
    TRUST_PROXY: 'true',
    STAFF_API_TOKEN: STAFF_TOKEN,
    SANDBOX_PROCESSOR_URL: sandbox.url,
    SANDBOX_PROCESSOR_SECRET: TEST_SANDBOX_SECRET,
    SMTP_URL: smtp.url,
    WORKER_POLL_MS: '100',
    LOG_LEVEL: 'warn',
  };
  const apps: ShopProcess[] = [];
  const workers: WorkerProcess[] = [];
  t.after(async () => {
    await Promise.all([...apps.map((a) => ensureStopped(a)), ...workers.map(stopProcess)]);
    await Promise.all([sandbox.stop(), smtp.stop()]);
    await scratch.drop();
  });
  // The first process migrates the database and makes the keyring; the others open both.
  apps.push(await startShopProcess({ dataDir, databaseUrl: scratch.url, env }));
  apps.push(...(await Promise.all([startShopProcess({ dataDir, databaseUrl: scratch.url, env }), startShopProcess({ dataDir, databaseUrl: scratch.url, env })])));
  workers.push(startWorkerProcess(env), startWorkerProcess(env));
  sandbox.setWebhookUrl(`${apps[0]!.url}/payments/webhook/sandbox`);

  await t.test('a client sending 20 requests to each of the 3 processes gets 429 after 30 in all, not 60', async () => {
    const client = '203.0.113.77';
    const send = async (app: ShopProcess) => {
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${app.url}/healthz`, { headers: { 'x-forwarded-for': client } });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      return statuses;
    };
    const statuses = (await Promise.all(apps.map(send))).flat();
    assert.equal(statuses.filter((s) => s === 200).length, LIMIT, `200s: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 60 - LIMIT);
    const other = await fetch(`${apps[2]!.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.78' } });
    assert.equal(other.status, 200, 'another client has its own allowance');
  });

  await t.test(
    'concurrent checkouts through all 3, each sent twice at once and retried: one order and one charge each, every mail sent once, every job run once, the audit chain verifies',
    async () => {
      const database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: '' });
      try {
        const shop = await makeShop(database.db);
        const buyers = Array.from({ length: 9 }, (_, i) => i);
        // A failed step shows what the processes logged (errors, never personal data: the logger scrubs).
        const placed = await Promise.all(buyers.map((i) => buy(apps, i, shop.vpn))).catch((err: Error) => {
          err.message += `\n--- what the app processes logged:\n${apps.map((a) => a.output().slice(-3000)).join('\n')}`;
          throw err;
        });
        const numbers = placed.map((p) => p.orderNumber);
        assert.equal(new Set(numbers).size, buyers.length, 'one order per buyer, none shared');

        // Every order paid once, and its mails sent by one of the two workers.
        const paid = await until(async () => {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders where number in (${sql.join(numbers)}) and status = 'paid'`.execute(database.db);
          return rows[0]!.n === buyers.length;
        });
        assert.ok(paid, 'every order was paid');
        const { rows: orders } = await sql<{ number: string; attempts: number; succeeded: number }>`
        select o.number, count(p.id)::int as attempts, count(p.id) filter (where p.status = 'succeeded')::int as succeeded
        from orders o left join payments_attempts p on p.order_id = o.id group by o.number order by o.number`.execute(database.db);
        assert.equal(orders.length, buyers.length, 'no duplicate order, no order lost');
        for (const order of orders) assert.deepEqual([order.attempts, order.succeeded], [1, 1], `order ${order.number}: one charge`);

        const settled = await until(async () => {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status = 'queued'`.execute(database.db);
          const jobs = await sql<{ n: number }>`select count(*)::int as n from jobs where state in ('queued', 'running') and run_at <= now()`.execute(database.db);
          return rows[0]!.n === 0 && jobs.rows[0]!.n === 0;
        });
        assert.ok(settled, 'the outbox and the job queue drained');
        const { rows: sent } = await sql<{ id: string }>`select id from comms_outbox where status = 'sent'`.execute(database.db);
        assert.ok(sent.length >= buyers.length, `a mail per order at least (${sent.length})`);
        const received = smtp.received.map((m) => /<([0-9a-f-]{36})@/.exec(m.header('message-id') ?? '')?.[1] ?? '?');
        assert.deepEqual([...received].sort(), sent.map((r) => r.id).sort(), 'every sent outbox message reached the mail server exactly once');

        const { rows: jobs } = await sql<{ name: string; state: string; attempts: number }>`select name, state, attempts from jobs where state in ('done', 'dead')`.execute(database.db);
        assert.ok(jobs.length > 0, 'the workers ran jobs');
        assert.deepEqual(
          jobs.filter((j) => j.state !== 'done' || j.attempts !== 1),
          [],
          'every job ran once and succeeded',
        );
        assert.equal(jobs.filter((j) => j.name === 'rate_limits.sweep').length, 1, 'the rate-limit sweep ran once, on one of the two workers');
      } finally {
        await database.close();
      }
      const verify = await runCli(['audit', 'verify'], env);
      assert.equal(verify.code, 0, `custodian audit verify:\n${verify.output}`);
    },
  );

  for (const worker of workers) assert.equal(worker.child.exitCode, null, `a worker exited:\n${worker.output()}`);
});

const guest = (i: number) => ({ method: 'card', name: `Buyer Number${i}`, email: `buyer${i}@example.com`, age: 'adult' });

interface Placed {
  orderNumber: string;
}

/**
 * One buyer: a cart on one process, the checkout sent to the two others at the same moment with one
 * Idempotency-Key (a double click reaching two processes), then retried on the first; all three
 * answers name one order. The buyer pays at the processor; its return is followed on a third process.
 */
async function buy(apps: ShopProcess[], i: number, variantId: string): Promise<Placed> {
  const address = `198.51.100.${10 + i}`;
  const [home, left, right] = [apps[i % 3]!, apps[(i + 1) % 3]!, apps[(i + 2) % 3]!];
  const headers = (app: ShopProcess, cookie: string) => ({ 'content-type': 'application/json', origin: app.url, 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) });
  const added = await fetch(`${home.url}/api/cart/lines`, { method: 'POST', headers: headers(home, ''), body: JSON.stringify({ variant_id: variantId, quantity: 1 }) });
  assert.equal(added.status, 200, `buyer ${i}, add to cart on ${home.url}: ${await added.text()}`);
  const cookie = added.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  const key = `scale-${i}-${randomBytes(8).toString('hex')}`;
  const submit = async (app: ShopProcess) => {
    const response = await fetch(`${app.url}/api/checkout`, { method: 'POST', headers: { ...headers(app, cookie), 'idempotency-key': key }, body: JSON.stringify(guest(i)) });
    const text = await response.text();
    assert.equal(response.status, 201, `buyer ${i}, checkout on ${app.url}: ${text}`);
    return { body: JSON.parse(text) as { order_number: string; next_url: string }, replayed: response.headers.get('idempotent-replayed') === 'true' };
  };
  const both = await Promise.all([submit(left), submit(right)]);
  const retry = await submit(home);
  const answers = [...both, retry];
  assert.equal(new Set(answers.map((a) => a.body.order_number)).size, 1, `buyer ${i}, one order for one key: ${JSON.stringify(answers)}`);
  assert.equal(answers.filter((a) => !a.replayed).length, 1, `buyer ${i}, the other two answers are replays: ${JSON.stringify(answers)}`);
  const paid = await submitPayForm(answers[0]!.body.next_url, TEST_CARD);
  assert.equal(paid.status, 303, `buyer ${i}, payment: ${paid.body}`);
  // The buyer's browser comes back, here through a third process, while the webhook reaches the first.
  const back = new URL(paid.location!);
  const returned = await fetch(`${right.url}${back.pathname}`, { headers: { cookie, 'x-forwarded-for': address }, redirect: 'manual' });
  assert.ok([200, 303].includes(returned.status), `buyer ${i}, return on ${right.url}: ${returned.status} ${await returned.text()}`);
  return { orderNumber: answers[0]!.body.order_number };
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}
