// Privacy kernel: encrypted writes and purpose-checked reads/s vs plain SQL, and erasure time.
//
// In one run, on one database: kernel writes and reads of N subjects' rows against two baselines
// doing the same rows in an ordinary table, one statement per operation:
//   plain          INSERT … ON CONFLICT / SELECT (the baseline; aim: kernel ≥ 50% of it)
//   plain + audit  the same statement also inserting one audit entry and its pending-seal marker
//                  into the kernel's audit log (the audit duty alone, without checks or crypto)
// The three run interleaved, in rounds over slices of the rows, so a machine busy with other work
// slows all three alike. Then the time to erase a subject with 1 item and with 10,000 items
// (medians over several subjects; must not grow with the data).
// Options: --rows N (default 2000), --items N (items of each big subject, default 10000),
// --prepared-baselines (run the baselines as prepared statements too, like the kernel's),
// --database-url postgres://… (then PGlite first, then a scratch database on that server).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { openDatabase, type DatabaseHandle, type Db } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { prepared } from '../src/platform/db/prepared.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { allMigrations } from '../src/modules.ts';
import { testActor, auditCtes } from '../src/privacy/testing.ts';
import { startKernel, type PrivacyKernel } from '../src/privacy/index.ts';
import { benchFlags } from './support/flags.ts';
import { median } from './support/stats.ts';

const usage = 'Usage: npm run bench -- kernel [--rows 2000] [--items 10000] [--prepared-baselines] [--database-url postgres://…]\n';
const actor = testActor('bench');
const CATEGORIES = ['user.name', 'user.contact.email'];
const ROUNDS = 10;
const SMALL_SUBJECTS = 5;
const BIG_SUBJECTS = 3;

interface Options {
  rows: number;
  items: number;
  preparedBaselines: boolean;
}

const values = (i: number) => ({ 'user.name': `Bench Person ${i}`, 'user.contact.email': `bench.person.${i}@example.test` });

type Variant = 'plain' | 'audited' | 'kernel';
const VARIANTS: Variant[] = ['plain', 'audited', 'kernel'];

/** Runs op(i) for every row, in ROUNDS interleaved slices per variant; returns total ms per variant. */
async function interleaved(rows: number, ops: Record<Variant, (i: number) => Promise<void>>): Promise<Record<Variant, number>> {
  const total: Record<Variant, number> = { plain: 0, audited: 0, kernel: 0 };
  const per = Math.ceil(rows / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order, so no variant always runs right after another.
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(round + k) % VARIANTS.length]!;
      const start = performance.now();
      for (let i = round * per; i < Math.min(rows, (round + 1) * per); i++) await ops[variant](i);
      total[variant] += performance.now() - start;
    }
  }
  return total;
}

async function run(db: Db, kernel: PrivacyKernel, options: Options): Promise<string[]> {
  const { rows, items } = options;
  const mark: RawBuilder<unknown> = options.preparedBaselines ? prepared : sql``;
  await sql`create table bench_plain (subject_id uuid not null, category text not null, ref text not null default '', value text not null, primary key (subject_id, category, ref))`.execute(db);
  const warm = 50;
  const subjects: string[] = [];
  for (let i = 0; i < rows + warm; i++) subjects.push(await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' }));
  const plainIds = subjects.map(() => randomUUID());
  const auditedIds = subjects.map(() => randomUUID());
  const entry = (action: 'data.write' | 'data.read', subjectId: string) => ({ actor, action, outcome: 'ok' as const, subjectId, purpose: 'fulfillment', categories: CATEGORIES });

  const upsert = (id: string, i: number) => {
    const v = values(i);
    return sql`insert into bench_plain values (${id}::uuid, 'user.name', '', ${v['user.name']}), (${id}::uuid, 'user.contact.email', '', ${v['user.contact.email']})
      on conflict (subject_id, category, ref) do update set value = excluded.value`;
  };
  const select = (id: string) => sql`select category, ref, value from bench_plain where subject_id = ${id}::uuid and category = any(${CATEGORIES}::text[])`;
  const writes = {
    plain: async (i: number) => void (await sql`${mark}${upsert(plainIds[i]!, i)}`.execute(db)),
    audited: async (i: number) => void (await sql`${mark}with ${auditCtes([entry('data.write', auditedIds[i]!)], new Date())} ${upsert(auditedIds[i]!, i)}`.execute(db)),
    kernel: (i: number) => kernel.write(db, { subject: subjects[i]!, actor, purpose: 'fulfillment', values: values(i) }),
  };
  const reads = {
    plain: async (i: number) => void (await sql`${mark}${select(plainIds[i]!)}`.execute(db)),
    audited: async (i: number) => void (await sql`${mark}with ${auditCtes([entry('data.read', auditedIds[i]!)], new Date())} ${select(auditedIds[i]!)}`.execute(db)),
    kernel: async (i: number) => {
      const r = await kernel.read(db, { subject: subjects[i]!, actor, purpose: 'fulfillment', categories: CATEGORIES });
      if (r.values['user.name'] !== values(i)['user.name']) throw new Error('read back the wrong value');
    },
  };

  // Warm up every path (statement plans, JIT) on rows that are not measured.
  for (let i = rows; i < rows + warm; i++) for (const v of VARIANTS) await writes[v](i);
  for (let i = rows; i < rows + warm; i++) for (const v of VARIANTS) await reads[v](i);
  const w = await interleaved(rows, writes);
  const r = await interleaved(rows, reads);

  // Erasure: several subjects with one item and several with `items` items, erased alternately.
  // The big subjects' items are written in transactions of 500 (setup, not measured).
  const small: string[] = [];
  for (let i = 0; i < SMALL_SUBJECTS; i++) {
    const s = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
    await kernel.write(db, { subject: s, actor, purpose: 'fulfillment', values: { 'user.name': 'Small Subject' } });
    small.push(s);
  }
  const big: string[] = [];
  for (let b = 0; b < BIG_SUBJECTS; b++) {
    const s = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
    for (let from = 0; from < items; from += 500) {
      await db.transaction().execute(async (trx) => {
        for (let i = from; i < Math.min(items, from + 500); i++) {
          await kernel.write(trx, { subject: s, actor, purpose: 'fulfillment', ref: `order-${i}`, values: { 'user.contact.address': { street: `${i} Bench Street` } } });
        }
      });
    }
    big.push(s);
  }
  const eraseSmall: number[] = [];
  const eraseBig: number[] = [];
  for (let i = 0; i < Math.max(SMALL_SUBJECTS, BIG_SUBJECTS); i++) {
    for (const [list, times] of [
      [small, eraseSmall],
      [big, eraseBig],
    ] as const) {
      const subject = list[i];
      if (!subject) continue;
      const start = performance.now();
      await kernel.erase(db, { subject, actor });
      times.push(performance.now() - start);
    }
  }

  const perSecond = (ms: number) => Math.round((rows / ms) * 1000);
  const pct = (kernelMs: number, baseMs: number) => `${Math.round((baseMs / kernelMs) * 100)}%`.padStart(5);
  const table = (what: string, t: Record<Variant, number>, kernelLabel: string) => [
    `${what.padEnd(7)}plain ${what === 'writes' ? 'INSERT' : 'SELECT'}                ${perSecond(t.plain).toString().padStart(7)}/s`,
    `       plain + one audit entry      ${perSecond(t.audited).toString().padStart(7)}/s`,
    `       ${kernelLabel.padEnd(28)} ${perSecond(t.kernel).toString().padStart(7)}/s   kernel/plain ${pct(t.kernel, t.plain)}   kernel/(plain + audit) ${pct(t.kernel, t.audited)}`,
  ];
  const [ms1, msN] = [median(eraseSmall), median(eraseBig)];
  return [
    `rows: ${rows} subjects x 2 categories, ${ROUNDS} interleaved rounds; baselines ${options.preparedBaselines ? 'prepared, like the kernel' : 'ordinary statements (as modules write them); kernel statements are prepared'}`,
    ...table('writes', w, 'kernel (encrypted, audited)'),
    ...table('reads', r, 'kernel (purpose-checked)'),
    'note: every kernel read commits its audit entry (a durable write); a plain SELECT writes nothing.',
    `erase  1 item ${ms1.toFixed(1)} ms   ${items} items ${msN.toFixed(1)} ms   ratio ${(msN / ms1).toFixed(2)}x   (medians of ${SMALL_SUBJECTS} and ${BIG_SUBJECTS} subjects; crypto-shredding: should stay near 1x)`,
  ];
}

async function benchOn(database: DatabaseHandle, options: Options): Promise<void> {
  await migrate(database.db, allMigrations);
  const keyringPath = join(mkdtempSync(join(tmpdir(), 'custodian-bench-')), 'keyring.json');
  const kernel = await startKernel({ db: database.db, keyringPath, region: null });
  process.stdout.write(`\nPrivacy kernel benchmark on ${database.engine} (${availableParallelism()} CPUs, Node ${process.versions.node})\n`);
  for (const line of await run(database.db, kernel, options)) process.stdout.write(`${line}\n`);
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(args, { rows: { type: 'string' }, items: { type: 'string' }, 'prepared-baselines': { type: 'boolean' } }, usage);
  if (typeof flags === 'number') return flags;
  const options: Options = { rows: Number(flags.rows ?? 2000), items: Number(flags.items ?? 10000), preparedBaselines: flags['prepared-baselines'] === true };
  if (!Number.isInteger(options.rows) || options.rows < 1 || !Number.isInteger(options.items) || options.items < 1) {
    process.stderr.write(`--rows and --items must be whole numbers above 0\n${usage}`);
    return 2;
  }

  const pglite = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    await benchOn(pglite, options);
  } finally {
    await pglite.close();
  }
  const base = flags['database-url'];
  if (!base) return 0;
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = base;
  const scratch = await createScratchPostgres();
  process.env.DATABASE_URL = previous;
  const postgres = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 2 });
  try {
    await benchOn(postgres, options);
  } finally {
    await postgres.close();
    await scratch.drop();
  }
  return 0;
}
