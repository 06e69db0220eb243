// What the rights journeys share: a shop with the sandbox processor in-process, a real SMTP server,
// a worker running every module's jobs, and a customer with a history: signed up, an order paid by
// card and shipped (so the processor and a carrier received their data), a second order left
// waiting for payment, a saved basket.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startSmtpSink, type SmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { makeShop, newClient, type CartClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed, type PaymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, type Worker } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { databaseAsText, type TestDatabase } from '../src/platform/testing/databases.ts';
import { modules } from '../src/modules.ts';
import { selfActor } from '../src/privacy/index.ts';
import { testActor } from '../src/privacy/testing.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { addToCart, keyOf, pathOf } from './checkout-support.ts';
import { staffTokenHeaders } from '../src/accounts/testing.ts';

export interface RightsBed extends PaymentsTestBed {
  sink: SmtpSink | null;
  worker: Worker;
  stopAll(): Promise<void>;
}

/** The shop with every job running; mail goes to a real SMTP server, or (`spool: true`) to DATA_DIR/mail. */
export async function rightsBed(database: TestDatabase, options: { spool?: boolean; env?: Record<string, string> } = {}): Promise<RightsBed> {
  const sink = options.spool ? null : await startSmtpSink();
  const bed = await paymentsTestBed(database, { LOG_LEVEL: 'debug', CHECKOUT_REQUIRE_PHONES: 'true', ...(sink ? { SMTP_URL: sink.url } : {}), ...options.env });
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: bed.config, privacy: bed.app.privacy, wiring: bed.app.wiring, database } });
  await worker.start();
  return {
    ...bed,
    sink,
    worker,
    async stopAll() {
      await worker.stop(5000);
      await bed.close();
      await sink?.stop();
    },
  };
}

export interface Person {
  name: string;
  email: string;
  password: string;
  phone: string;
  street: string;
  city: string;
}

export const ada: Person = {
  name: 'Ada Quillfeather',
  email: 'ada.quillfeather@example.com',
  password: 'lantern-orchid-58-quarry',
  phone: '+1 212 555 0147',
  street: '12 Analytical Row',
  city: 'Brooklyn',
};
export const bob: Person = {
  name: 'Barnaby Thistlewood',
  email: 'barnaby.thistlewood@example.com',
  password: 'pebble-harbour-31-willow',
  phone: '+1 415 555 0199',
  street: '7 Difference Lane',
  city: 'Oakland',
};

export interface History {
  client: CartClient;
  subject: string;
  paid: { id: string; number: string };
  waiting: { id: string; number: string };
  sessionCookie: string;
}

const checkoutFields = (p: Person) => ({
  name: p.name,
  email: p.email,
  age: 'adult',
  phone_home: p.phone,
  phone_business: p.phone,
  ship_line1: p.street,
  ship_line2: '',
  ship_postal_code: '11201',
  ship_city: p.city,
  ship_country: 'US',
});

async function buy(bed: RightsBed, client: CartClient, slug: string, variant: string, person: Person, pay: boolean): Promise<{ id: string; number: string }> {
  await addToCart(client, slug, variant);
  const form = await client.get('/checkout');
  const started = await client.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...checkoutFields(person) });
  assert.equal(started.statusCode, 303, started.body);
  const payUrl = started.headers.location as string;
  const { rows } = await sql<{ id: string; number: string; payment_id: string }>`
    select o.id, o.number, a.payment_id from orders o join checkout_attempts a on a.order_id = o.id order by o.created_at desc limit 1`.execute(bed.app.db);
  const order = rows[0]!;
  if (pay) {
    assert.equal((await submitPayForm(payUrl, TEST_CARD)).status, 303);
    assert.equal((await client.get(`/checkout/return/${order.payment_id}`)).statusCode, 303);
  }
  return { id: order.id, number: order.number };
}

/** The text of a spooled mail with its quoted-printable soft breaks and escapes undone. */
const quotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * A link a mail to `email` carries (its path and query), from the SMTP server or the .eml spool:
 * with the worker running, the outbox forgets a mail's parameters once it is sent.
 */
export async function linkFromMail(bed: RightsBed, email: string, path: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<]+(${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+)`);
  const text = bed.sink
    ? (await bed.sink.waitForMail((m) => m.to.some((to) => to.includes(email)) && pattern.test(m.text), 20_000)).text
    : await waitFor(
        `a spooled mail to ${email} with ${path}`,
        async () =>
          filesUnder(join(bed.config.dataDir, 'mail'))
            .map((f) => quotedPrintable(readFileSync(f, 'utf8')))
            .find((m) => m.includes(email) && pattern.test(m)),
        20_000,
      );
  return pattern.exec(text)![1]!;
}

/** Signs a person up through the pages and follows the mailed link; the client ends signed in. */
export async function signUp(bed: RightsBed, client: CartClient, p: Person): Promise<void> {
  await client.get('/account/signup');
  const res = await client.post('/account/signup', { name: p.name, email: p.email, password: p.password, age: 'adult' });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  const page = await client.get(await linkFromMail(bed, p.email, '/account/confirm'));
  const confirm = await client.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(page.body)?.[1] ?? '' });
  assert.equal(confirm.statusCode, 303, confirm.body.slice(0, 300));
}

/** A signed-up customer with a paid and shipped order, an order waiting for payment and a saved basket. */
export async function customerWithHistory(bed: RightsBed, person: Person): Promise<History> {
  const db = bed.app.db;
  const shop = (await sql<{ id: string }>`select id from catalogue_variants where sku = 'RTR-1'`.execute(db)).rows[0] ? await variantsOf(db) : await makeShop(db).then(() => variantsOf(db));
  const client = newClient(bed.app);
  await signUp(bed, client, person);
  const paid = await buy(bed, client, 'router', shop.rtr1, person, true);
  const staffHeaders = await staffTokenHeaders(bed.app, db, 'fulfilment');
  for (const step of [{ to: 'fulfilling' }, { to: 'shipped', carrier: 'UPS', tracking: `1Z${paid.number.slice(2)}999` }]) {
    const res = await bed.app.inject({ method: 'POST', url: `/api/staff/orders/${paid.number}/transitions`, headers: staffHeaders, payload: step });
    assert.equal(res.statusCode, 200, res.body);
  }
  await addToCart(client, 'vpn-licence', shop.vpn);
  await client.get('/account/baskets');
  assert.equal((await client.post('/account/baskets', { name: `${person.name.split(' ')[0]}'s wish list` })).statusCode, 303);
  const waiting = await buy(bed, client, 'router', shop.rtr1, person, false);
  const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db);
  return { client, subject: rows[0]!.subject_id, paid, waiting, sessionCookie: client.cookies.get('__Host-session')! };
}

async function variantsOf(db: Db) {
  const { rows } = await sql<{ sku: string; id: string }>`select sku, id from catalogue_variants`.execute(db);
  const by = new Map(rows.map((r) => [r.sku, r.id]));
  return { rtr1: by.get('RTR-1')!, vpn: by.get('VPN-1Y')! };
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Everything the shop and its processor keep, as text: the data directory, the sandbox's storage, the database files (PGlite) or a pg_dump, the logs, the mail received. */
export async function everything(bed: RightsBed, database: TestDatabase): Promise<[string, string][]> {
  await bed.app.privacy.flush();
  const haystacks: [string, string][] = [
    [
      'data dir (mail spool, keyring)',
      filesUnder(bed.config.dataDir)
        .map((f) => readFileSync(f, 'latin1'))
        .join('\n'),
    ],
    [
      'sandbox processor storage',
      filesUnder(bed.sandbox.dir)
        .map((f) => readFileSync(f, 'latin1'))
        .join('\n'),
    ],
    ['logs', JSON.stringify(bed.logs)],
  ];
  haystacks.push([database.engine === 'pglite' ? 'PGlite data files' : 'pg_dump', await databaseAsText(database, database.url)]);
  return haystacks;
}

/** The values of a person, as they could be found in text. */
export function valuesOf(p: Person): string[] {
  return [p.email, p.name, p.street, p.phone, p.phone.replace(/\D/g, '')];
}

/** Waits for a deletion request (the one numbered `number`, or any) to reach `status`. */
export async function waitForRequest(db: Db, status: string, number?: string, timeoutMs = 60_000): Promise<{ number: string; status: string }> {
  return waitFor(
    `deletion request ${number ?? ''} to be ${status}`,
    async () =>
      (
        await sql<{
          number: string;
          status: string;
        }>`select number, status from rights_requests where kind = 'deletion' and status = ${status} and outcome is distinct from 'nothing-held' and (${status} <> 'completed' or step = 'unlinked') ${number ? sql`and number = ${number}` : sql``}`.execute(
          db,
        )
      ).rows[0],
    timeoutMs,
  );
}

export { pathOf };

/**
 * A customer with history whose paid order also carries a company name for its invoice (written
 * through the kernel: the shop under test offers no invoice), and a reader of their items as the
 * privacy centre reads them.
 */
export async function customerWithCompany(bed: RightsBed, person: Person) {
  const db = bed.app.db;
  const mine = await customerWithHistory(bed, person);
  await bed.app.privacy.write(db, {
    subject: mine.subject,
    actor: testActor('test'),
    purpose: 'fulfillment',
    ref: `order:${mine.paid.id}:billing`,
    values: { 'user.contact.organization': 'Analytical Engines LLC' },
  });
  const read = async (category: string, ref: string) =>
    (await bed.app.privacy.read(db, { subject: mine.subject, actor: selfActor(mine.subject), purpose: 'data-rights', categories: [category], ref })).items[0]!;
  return { mine, read };
}
