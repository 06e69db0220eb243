// Privacy kernel: encrypted writes and purpose-checked reads/s vs plain SQL, and erasure time.
//
// In one run, on one database: N encrypted, audited kernel writes and purpose-checked reads of the
// same rows as N plain INSERTs and SELECTs into an ordinary table (aim: kernel ≥ 50% of plain),
// then the time to erase a subject with 1 item and with 10,000 items (must not grow with data).
// Options: --rows N (default 2000), --items N (items of the big subject, default 10000),
// --database-url postgres://… (a scratch database is created there and dropped; default: PGlite).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle, type Db } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { allMigrations } from '../src/modules.ts';
import { systemActor } from '../src/privacy/actors.ts';
import { startKernel, type PrivacyKernel } from '../src/privacy/kernel.ts';

const usage = 'Usage: npm run bench -- kernel [--rows 2000] [--items 10000] [--database-url postgres://…]\n';
const actor = systemActor('bench');

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const values = (i: number) => ({ 'user.name': `Bench Person ${i}`, 'user.contact.email': `bench.person.${i}@example.test` });

async function run(db: Db, kernel: PrivacyKernel, rows: number, bigItems: number): Promise<string[]> {
  await sql`create table bench_plain (subject_id uuid not null, category text not null, ref text not null default '', value text not null, primary key (subject_id, category, ref))`.execute(db);
  const subjects: string[] = [];
  for (let i = 0; i < rows; i++) subjects.push(await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' }));
  const plainIds = subjects.map(() => randomUUID());

  // Warm up both paths (statement plans, JIT) before measuring.
  for (let i = 0; i < Math.min(50, rows); i++) {
    await kernel.write(db, { subject: subjects[i]!, actor, purpose: 'fulfillment', values: values(i) });
    await sql`insert into bench_plain values (${plainIds[i]}::uuid, 'user.name', '', ${values(i)['user.name']}), (${plainIds[i]}::uuid, 'user.contact.email', '', ${values(i)['user.contact.email']})
      on conflict do nothing`.execute(db);
  }

  const plainWrite = await timed(async () => {
    for (let i = 0; i < rows; i++) {
      const v = values(i);
      await sql`insert into bench_plain values (${plainIds[i]}::uuid, 'user.name', '', ${v['user.name']}), (${plainIds[i]}::uuid, 'user.contact.email', '', ${v['user.contact.email']})
        on conflict (subject_id, category, ref) do update set value = excluded.value`.execute(db);
    }
  });
  const kernelWrite = await timed(async () => {
    for (let i = 0; i < rows; i++) await kernel.write(db, { subject: subjects[i]!, actor, purpose: 'fulfillment', values: values(i) });
  });
  const plainRead = await timed(async () => {
    for (let i = 0; i < rows; i++) {
      await sql`select category, ref, value from bench_plain where subject_id = ${plainIds[i]}::uuid and category = any(${['user.name', 'user.contact.email']}::text[])`.execute(db);
    }
  });
  const kernelRead = await timed(async () => {
    for (let i = 0; i < rows; i++) {
      const r = await kernel.read(db, { subject: subjects[i]!, actor, purpose: 'fulfillment', categories: ['user.name', 'user.contact.email'] });
      if (r.values['user.name'] !== values(i)['user.name']) throw new Error('read back the wrong value');
    }
  });

  // Erasure: one item vs many.
  const small = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
  await kernel.write(db, { subject: small, actor, purpose: 'fulfillment', values: { 'user.name': 'Small Subject' } });
  const big = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
  for (let i = 0; i < bigItems; i++) {
    await kernel.write(db, { subject: big, actor, purpose: 'fulfillment', ref: `order-${i}`, values: { 'user.contact.address': { street: `${i} Bench Street` } } });
  }
  const eraseSmall = await timed(async () => void (await kernel.erase(db, { subject: small, actor })));
  const eraseBig = await timed(async () => void (await kernel.erase(db, { subject: big, actor })));

  const ratio = (k: number, p: number) => `${Math.round((p / k) * 100)}%`;
  return [
    `rows: ${rows} (2 categories each)`,
    `writes/s   plain ${perSecond(rows, plainWrite).toString().padStart(7)}   kernel (encrypted, audited) ${perSecond(rows, kernelWrite).toString().padStart(7)}   kernel/plain ${ratio(kernelWrite, plainWrite)}`,
    `reads/s    plain ${perSecond(rows, plainRead).toString().padStart(7)}   kernel (purpose-checked)    ${perSecond(rows, kernelRead).toString().padStart(7)}   kernel/plain ${ratio(kernelRead, plainRead)}`,
    'note: each kernel read also commits an audit row (a durable write); the plain SELECT writes nothing.',
    `erase      1 item ${eraseSmall.toFixed(1)} ms   ${bigItems} items ${eraseBig.toFixed(1)} ms   ratio ${(eraseBig / eraseSmall).toFixed(2)}x (crypto-shredding: should stay near 1x)`,
  ];
}

export async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({ args, options: { rows: { type: 'string' }, items: { type: 'string' }, 'database-url': { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(usage);
    return 0;
  }
  const rows = Number(options.rows ?? 2000);
  const items = Number(options.items ?? 10000);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(items) || items < 1) {
    process.stderr.write(`--rows and --items must be whole numbers above 0\n${usage}`);
    return 2;
  }
  let database: DatabaseHandle;
  let drop = async () => {};
  const base = options['database-url'];
  if (base) {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = base;
    const scratch = await createScratchPostgres();
    process.env.DATABASE_URL = previous;
    drop = scratch.drop;
    database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 2 });
  } else {
    database = await openDatabase({ databaseUrl: null, pgliteDir: null });
  }
  try {
    await migrate(database.db, allMigrations);
    const keyringPath = join(mkdtempSync(join(tmpdir(), 'custodian-bench-')), 'keyring.json');
    const kernel = await startKernel({ db: database.db, keyringPath, region: null });
    process.stdout.write(`Privacy kernel benchmark on ${database.engine}\n`);
    for (const line of await run(database.db, kernel, rows, items)) process.stdout.write(`${line}\n`);
    return 0;
  } finally {
    await database.close();
    await drop();
  }
}
