// The CLI as an operator runs it, on the shop's settings, against the embedded database in a
// DATA_DIR and, when DATABASE_URL is set, a scratch PostgreSQL database (src/cli/testing.ts).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testEachDatabase, type TestDatabase } from '../platform/testing/databases.ts';
import { type CliRun, cliInProcess, cliProcess } from './testing.ts';

type Run = CliRun;

// Most commands run in this process through the CLI's runner; the operator's process is started
// where only it can show the outcome (the first command of a test, exit codes, no stack trace).
const cli = cliInProcess;

/** Settings that point the CLI at this test's database: its own DATA_DIR, and the scratch PostgreSQL database. */
function envFor(database: TestDatabase): Record<string, string> {
  const env: Record<string, string> = { DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-cli-')) };
  if (database.engine === 'postgres') env.DATABASE_URL = database.url!;
  return env;
}

function assertNoStack(run: Run): void {
  assert.doesNotMatch(run.stderr + run.stdout, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

testEachDatabase(
  'custodian CLI: migrate, create a vendor and a product, list and edit them',
  async (database) => {
    const env = envFor(database);
    const first = await cliProcess(env, 'migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /catalogue\/0001_tables/);
    const again = await cli(env, 'migrate', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).applied, []);

    const vendor = await cli(env, 'vendor', 'create', '--slug', 'acme', '--name', 'Acme Software');
    assert.equal(vendor.code, 0, vendor.stderr);
    assert.match(vendor.stdout, /Created vendor acme/);

    const product = await cli(env, 'product', 'create', '--slug', 'backup-pro', '--name', 'Backup Pro', '--vendor', 'acme', '--kind', 'digital', '--sku', 'BKP-1', '--price', '4900', '--json');
    assert.equal(product.code, 0, product.stderr);
    const created = JSON.parse(product.stdout);
    assert.equal(created.vendor.slug, 'acme');
    assert.deepEqual(
      created.variants.map((v: { sku: string; price_minor: number; currency: string }) => [v.sku, v.price_minor, v.currency]),
      [['BKP-1', 4900, 'USD']],
    );

    const added = await cli(env, 'variant', 'add', 'backup-pro', '--sku', 'BKP-5', '--name', 'Five licences', '--price', '19900', '--stock', '3');
    assert.equal(added.code, 0, added.stderr);

    const list = await cli(env, 'product', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^SLUG\s+NAME\s+STATUS/m);
    assert.match(list.stdout, /backup-pro\s+Backup Pro\s+active\s+digital\s+acme\s+-\s+\$49\.00\s+3\s+2/);

    const renamed = await cli(env, 'product', 'update', 'backup-pro', '--name', 'Backup Ultra');
    assert.equal(renamed.code, 0, renamed.stderr);
    const archived = await cli(env, 'product', 'archive', 'backup-pro');
    assert.equal(archived.code, 0, archived.stderr);
    const shown = JSON.parse((await cli(env, 'product', 'show', created.id, '--json')).stdout);
    assert.equal(shown.name, 'Backup Ultra');
    assert.equal(shown.status, 'archived');
    assert.equal(shown.variants.length, 2);

    if (database.engine === 'postgres') {
      // What the CLI wrote is what the shop reads.
      const rows = await database.db.selectFrom('catalogue_variants').select(['sku', 'stock']).orderBy('sku').execute();
      assert.deepEqual(rows, [
        { sku: 'BKP-1', stock: null },
        { sku: 'BKP-5', stock: 3 },
      ]);
    }
  },
  { migrate: false, timeout: 600_000 },
);

testEachDatabase(
  'custodian CLI: a bad value exits 2 naming the flag, and writes nothing',
  async (database) => {
    const env = envFor(database);
    assert.equal((await cli(env, 'vendor', 'create', '--slug', 'acme', '--name', 'Acme')).code, 0);
    const create = (...extra: string[]) => cli(env, 'product', 'create', '--slug', 'mug', '--name', 'Mug', '--vendor', 'acme', '--kind', 'physical', '--sku', 'MUG-1', '--price', '900', ...extra);

    const cases: [string[], RegExp][] = [
      [['--price', '99999999999'], /^error: --price: must be at most 2147483647$/m],
      [['--price', '9.99'], /^error: --price: must be a whole number/m],
      [['--stock=-1'], /^error: --stock: must be at least 0$/m],
      [['--stock', '-1'], /^error: --stock: a value starting with "-" must be attached: --stock=<value>$/m],
      [['--currency', 'dollars'], /^error: --currency: must be a three-letter ISO 4217 code/m],
      [['--vendor', 'nobody'], /^error: --vendor: no vendor has the slug or id "nobody"$/m],
      [['--category', 'nowhere'], /^error: --category: no category has the slug or id "nowhere"$/m],
      [['--name', 'x'.repeat(201)], /^error: --name: must be at most 200 characters$/m],
      [['--slug', 'Big Mug'], /^error: --slug: must be lowercase letters and digits/m],
      [['--colour', 'red'], /^error: --colour: is not an option of "custodian product create"$/m],
    ];
    for (const [i, [extra, message]] of cases.entries()) {
      const run =
        i === 0
          ? await cliProcess(env, 'product', 'create', '--slug', 'mug', '--name', 'Mug', '--vendor', 'acme', '--kind', 'physical', '--sku', 'MUG-1', '--price', '900', ...extra)
          : await create(...extra);
      assert.equal(run.code, 2, `${extra.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assertNoStack(run);
    }

    const missing = await cli(env, 'product', 'create', '--slug', 'mug', '--name', 'Mug', '--vendor', 'acme', '--kind', 'physical', '--sku', 'MUG-1');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: --price: is required$/m);

    assert.equal((await create()).code, 0);
    const duplicate = await create();
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.stderr, /^error: --slug: is already taken$/m);
    const duplicateSku = await create('--slug', 'mug-2');
    assert.equal(duplicateSku.code, 2);
    assert.match(duplicateSku.stderr, /^error: --sku: is already taken$/m);
    const unknown = await cli(env, 'product', 'show', 'no-such-product');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: <product>: no product has the slug or id "no-such-product"$/m);
    const last = await cli(env, 'variant', 'delete', 'MUG-1');
    assert.equal(last.code, 2);
    assert.match(last.stderr, /^error: <variant>: is the product's last variant/m);

    const listed = JSON.parse((await cli(env, 'product', 'list', '--json')).stdout);
    assert.deepEqual(
      listed.items.map((p: { slug: string }) => p.slug),
      ['mug'],
      'only the one good create wrote anything',
    );
    assert.equal(listed.items[0].variant_count, 1);
  },
  { migrate: false, timeout: 600_000 },
);

test('custodian CLI: a bad setting exits 1 naming the setting, without a stack trace', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-cli-'));
  const cases: [Record<string, string>, RegExp][] = [
    [{ CURRENCY: 'usd' }, /^error: Invalid setting CURRENCY: must be a three-letter ISO 4217 code/m],
    [{ DATABASE_URL: 'mysql://localhost/shop' }, /^error: Invalid setting DATABASE_URL: must start with postgres:\/\//m],
    [{ WORKER_CONCURRENCY: 'many' }, /^error: Invalid setting WORKER_CONCURRENCY: must be a whole number/m],
  ];
  for (const [i, [env, message]] of cases.entries()) {
    const run = await (i === 0 ? cliProcess : cli)({ DATA_DIR: dataDir, ...env }, 'vendor', 'list');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, message);
    assertNoStack(run);
  }
  const unreachable = await cli({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://postgres@127.0.0.1:9/nothing' }, 'migrate');
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^error: cannot open the database \(DATABASE_URL\)/m);
  assertNoStack(unreachable);
});

test('custodian CLI: help lists every command and needs no database; unknown commands exit 2', async () => {
  // Settings that would stop any database command do not stop help.
  const env = { CURRENCY: 'bad', DATA_DIR: '/nonexistent/custodian' };
  const help = await cliProcess(env, 'help');
  assert.equal(help.code, 0, help.stderr);
  for (const command of ['migrate', 'vendor create', 'category update', 'product archive', 'variant delete']) {
    assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  }
  const one = await cli(env, 'help', 'variant', 'add');
  assert.equal(one.code, 0);
  assert.match(one.stdout, /^usage: custodian variant add <product> --sku <sku> --price <minor-units> \[options\]$/m);
  const flagHelp = await cli(env, 'product', 'create', '--help');
  assert.match(flagHelp.stdout, /--variant-name <name>/);
  const unknown = await cliProcess(env, 'frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /"frobnicate" is not a custodian command/);
  const partial = await cli(env, 'product');
  assert.equal(partial.code, 2);
  assert.match(partial.stderr, /needs one of: list, show, create, update, archive/);
});
