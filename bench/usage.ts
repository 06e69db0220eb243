// Usage: ingest of 1,000,000 telecom usage records (records/s, encrypted as CPNI and audited) vs the same records as plain SQL rows, and a heavy customer's monthly statement.
//
// In one run, on one database (PGlite; with --database-url, a scratch database on that PostgreSQL
// server), with every module's migrations as `npm start` has them (decision 0057):
//   seed      C customers (default 200) with a line each on a service plan, the line's number a
//             kernel item, and one network key. Not measured.
//   ingest    N records (default 1,000,000) in requests of 5,000, each request's records spread over
//             50 lines (100 each: calls, messages, data sessions), each request in one transaction
//             through the module's ingest code (`ingestUsage`, what POST /api/telecom/usage runs
//             after its schema): every record checked, one batch per line and month, its records
//             written through the kernel as encrypted, audited items of user.telecom.cpni, and each
//             customer's usage summary read and written back. Reported as records/s.
//   baseline  the same N records as plain rows of one table (line, kind, at, amount, other party,
//             cell, device), 5,000 per transaction in multi-row inserts of 1,000: no encryption, no
//             audit, no checks. The ratio is ingest rate / baseline rate.
//   statement one more customer with R records (default 20,000) in one month, ingested as above;
//             then their statement read as the statement page reads it (`readStatement`: the month's
//             items in readMany calls of up to 500, each item checked and audited, decrypted, summed
//             and sorted), S times (default 5), p50 and max; against a plain-SQL read of the same
//             rows from the baseline table with the same sums.
// Options: --records N (default 1000000), --customers C (default 200), --heavy R (default 20000),
//          --runs S (default 5), --database-url postgres://…
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createCategory, createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { type PrivacyKernel, selfActor } from '../src/privacy/index.ts';
import { testActor, testKernel } from '../src/privacy/testing.ts';
import { ingestUsage, insertLine, lineRef, makeNetworkKey, PHONE, readStatement, type UsageInput } from '../src/telecom/index.ts';
import { benchFlags } from './support/flags.ts';

const usage = 'Usage: npm run bench -- usage [--records 1000000] [--customers 200] [--heavy 20000] [--runs 5] [--database-url postgres://…]\n';
const SEED_ACTOR = testActor('bench.usage-seed');
const PER_REQUEST = 5000;
const LINES_PER_REQUEST = 50;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The month before now and a time in it (n: a record's number, spread over the month). */
function lastMonth(): { month: string; at: (n: number) => string } {
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  return { month: new Date(start).toISOString().slice(0, 7), at: (n) => new Date(start + ((n * 7919) % (27 * 86_400)) * 1000).toISOString() };
}

/** Record n of a line: 60% calls, 30% messages, 10% data sessions. */
function recordOf(line: string, n: number, at: (n: number) => string): UsageInput {
  const k = n % 10;
  const when = at(n);
  if (k < 6) return { line, kind: 'call', at: when, seconds: 30 + (n % 900), other: `+1202${String(5_550_000 + (n % 10_000)).padStart(7, '0')}`, cell: `cell-${n % 97}`, device: '356938035643809' };
  if (k < 9) return { line, kind: 'sms', at: when, other: `+1415${String(5_550_000 + (n % 10_000)).padStart(7, '0')}`, cell: `cell-${n % 97}` };
  return { line, kind: 'data', at: when, bytes: 1_000_000 + (n % 50) * 100_000, cell: `cell-${n % 97}` };
}

async function seedCustomers(kernel: PrivacyKernel, db: Db, variant: string, count: number): Promise<{ subject: string; line: string }[]> {
  const out = [];
  for (let i = 0; i < count; i++) {
    const subject = await kernel.createSubject(db, { kind: 'customer', actor: SEED_ACTOR, purpose: 'account' });
    await kernel.write(db, { subject, actor: SEED_ACTOR, purpose: 'account', values: { 'user.name': `Caller ${i}`, 'user.contact.email': `caller${i}@example.net` } });
    const line = await insertLine(db, { subject, variant, by: 'bench' }, new Date());
    await kernel.write(db, { subject, actor: SEED_ACTOR, purpose: 'fulfillment', ref: lineRef(line), values: { [PHONE]: `+1 207 555 ${String(i).padStart(4, '0')}` } });
    out.push({ subject, line });
  }
  return out;
}

/** The plain-SQL baseline: one request's records as rows, 1,000 per insert, in one transaction. */
async function insertPlain(db: Db, records: readonly UsageInput[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < records.length; i += 1000) {
      const rows = records.slice(i, i + 1000);
      await sql`insert into bench_usage_plain (line, kind, at, amount, other, cell, device) values ${sql.join(
        rows.map((r) => sql`(${r.line}::uuid, ${r.kind}, ${r.at}::timestamptz, ${r.seconds ?? r.bytes ?? 1}::bigint, ${r.other ?? null}, ${r.cell ?? null}, ${r.device ?? null})`),
      )}`.execute(trx);
    }
  });
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchOn(database: DatabaseHandle, o: { records: number; customers: number; heavy: number; runs: number }): Promise<number> {
  await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  const { db } = database;
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-usage-'));
  const { kernel } = await testKernel(db, { keyringPath: join(dataDir, 'keyring.json') });
  try {
    await sql`create table bench_usage_plain (line uuid not null, kind text not null, at timestamptz not null, amount bigint not null, other text, cell text, device text)`.execute(db);
    await sql`create index bench_usage_plain_line_at_idx on bench_usage_plain (line, at)`.execute(db);
    const vendor = await createVendor(db, { slug: 'bench-telecom', name: 'Bench Telecom' });
    const category = await createCategory(db, { slug: 'bench-telecom', name: 'Telecom' });
    const product = await createProduct(
      db,
      { vendor_id: vendor.id, category_id: category.id, slug: 'bench-plan', name: 'Bench Plan', kind: 'service', variants: [{ sku: 'BENCH-5GB', name: '5 GB', price_minor: 1500 }] },
      { currency: 'USD' },
    );
    const variant = product.variants[0]!.id;
    process.stdout.write(`Seeding ${o.customers} customers with a line each on ${database.engine} …\n`);
    const people = await seedCustomers(kernel, db, variant, o.customers);
    const key = await makeNetworkKey(db, 'bench mediation', SEED_ACTOR, new Date());
    const { month, at } = lastMonth();

    // The requests: 5,000 records each over 50 lines (rotating through the customers).
    const requests: UsageInput[][] = [];
    let n = 0;
    for (let r = 0; n < o.records; r++) {
      const size = Math.min(PER_REQUEST, o.records - n);
      const lines = Array.from({ length: Math.min(LINES_PER_REQUEST, people.length) }, (_, i) => people[(r * LINES_PER_REQUEST + i) % people.length]!.line);
      requests.push(Array.from({ length: size }, (_, i) => recordOf(lines[i % lines.length]!, n + i, at)));
      n += size;
    }

    process.stdout.write(`Ingesting ${o.records} records in ${requests.length} requests …\n`);
    const t0 = performance.now();
    for (const [i, records] of requests.entries()) {
      await db.transaction().execute((trx) => ingestUsage(kernel, trx, { networkKey: key.id, records }, new Date()));
      if (i % 20 === 19) process.stdout.write(`  ${(i + 1) * PER_REQUEST}\n`);
    }
    const ingestMs = performance.now() - t0;
    await kernel.flush();

    const t1 = performance.now();
    for (const records of requests) await insertPlain(db, records);
    const baselineMs = performance.now() - t1;
    const plainRows = (await sql<{ n: number }>`select count(*)::int as n from bench_usage_plain`.execute(db)).rows[0]!.n;
    const kept = (await sql<{ n: number }>`select coalesce(sum(records), 0)::int as n from telecom_usage_batches`.execute(db)).rows[0]!.n;
    if (plainRows !== o.records || kept !== o.records) throw new Error(`kept ${kept} records and ${plainRows} plain rows of ${o.records}`);

    // The heavy customer's month.
    process.stdout.write(`A heavy customer: ${o.heavy} records in ${month} …\n`);
    const [heavy] = await seedCustomers(kernel, db, variant, 1);
    const theirs = Array.from({ length: o.heavy }, (_, i) => recordOf(heavy!.line, i, at));
    for (let i = 0; i < theirs.length; i += PER_REQUEST) {
      const records = theirs.slice(i, i + PER_REQUEST);
      await db.transaction().execute((trx) => ingestUsage(kernel, trx, { networkKey: key.id, records }, new Date()));
      await insertPlain(db, records);
    }
    const statementMs: number[] = [];
    let items = 0;
    for (let r = 0; r < o.runs; r++) {
      const t = performance.now();
      const statement = await readStatement(kernel, db, { subject: heavy!.subject, month, actor: selfActor(heavy!.subject), purpose: 'billing' });
      statementMs.push(performance.now() - t);
      const got = statement.lines.reduce((s, l) => s + l.records.length, 0);
      if (got !== o.heavy) throw new Error(`the statement holds ${got} of ${o.heavy} records`);
    }
    items = (
      await sql<{ n: number }>`select coalesce(sum(parts), 0)::int as n from telecom_usage_batches b join telecom_lines l on l.id = b.line_id where l.subject_id = ${heavy!.subject}::uuid`.execute(db)
    ).rows[0]!.n;
    const plainMs: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const t = performance.now();
      const { rows } = await sql<{ kind: string; at: Date; amount: string; other: string | null; cell: string | null }>`
        select kind, at, amount, other, cell from bench_usage_plain where line = ${heavy!.line}::uuid and at >= ${`${month}-01`}::timestamptz and at < (${`${month}-01`}::timestamptz + interval '1 month') order by at`.execute(
        db,
      );
      let minutes = 0;
      let messages = 0;
      let bytes = 0;
      for (const row of rows) {
        if (row.kind === 'call') minutes += Math.ceil(Number(row.amount) / 60);
        else if (row.kind === 'sms') messages++;
        else bytes += Number(row.amount);
      }
      plainMs.push(performance.now() - t);
      if (rows.length !== o.heavy || minutes + messages + bytes === 0) throw new Error(`the plain read found ${rows.length} of ${o.heavy} rows`);
    }

    const rate = (o.records / ingestMs) * 1000;
    const baseRate = (o.records / baselineMs) * 1000;
    process.stdout.write(
      [
        `records ${o.records}, customers ${o.customers}, ${database.engine}`,
        `ingest     ${seconds(ingestMs)}: ${rate.toFixed(0)} records/s (checked, one batch per line and month, kernel items encrypted and audited, usage summaries updated)`,
        `baseline   ${seconds(baselineMs)}: ${baseRate.toFixed(0)} records/s (plain rows, 1,000 per insert, no encryption or audit)`,
        `ratio      ${(rate / baseRate).toFixed(3)} of the baseline's rate`,
        `statement  ${o.heavy} records in ${items} items: p50 ${p50(statementMs).toFixed(0)} ms, max ${Math.max(...statementMs).toFixed(0)} ms over ${o.runs} reads (readMany, each item audited, decrypted, summed)`,
        `plain read p50 ${p50(plainMs).toFixed(0)} ms, max ${Math.max(...plainMs).toFixed(0)} ms (the same rows and sums in plain SQL)`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await kernel.close();
  }
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(args, { records: { type: 'string' }, customers: { type: 'string' }, heavy: { type: 'string' }, runs: { type: 'string' } }, usage);
  if (typeof flags === 'number') return flags;
  const o = { records: Number(flags.records ?? 1_000_000), customers: Number(flags.customers ?? 200), heavy: Number(flags.heavy ?? 20_000), runs: Number(flags.runs ?? 5) };
  if (![o.records, o.customers, o.heavy, o.runs].every((x) => Number.isInteger(x) && x >= 1)) {
    process.stderr.write(`--records, --customers, --heavy and --runs are whole numbers from 1\n${usage}`);
    return 2;
  }
  const url = flags['database-url'];
  if (url) {
    process.env.DATABASE_URL = url;
    const scratch = await createScratchPostgres();
    const database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 4 });
    try {
      return await benchOn(database, o);
    } finally {
      await database.close();
      await scratch.drop();
    }
  }
  const database = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    return await benchOn(database, o);
  } finally {
    await database.close();
  }
}
