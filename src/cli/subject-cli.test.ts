// `custodian subject …` as a shop owner runs it from a terminal, in a separate process on the shop's
// settings (the shop stopped, as the embedded database needs): export a customer's data, erase them,
// list the requests; and `custodian blind-index rotate`.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormClient, signUpAndConfirm } from '../accounts/testing.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { allMigrations } from '../modules.ts';
import { cliInProcess, cliProcess } from './testing.ts';

// Most commands run in this process through the CLI's runner; the first of each test starts the
// operator's process (src/cli/testing.ts).
const cli = cliInProcess;
const person = { name: 'Orla Terminal', email: 'orla.terminal@example.com', password: 'granite-lantern-64-sparrow' };

testEachDatabase(
  '[P000-12] `custodian subject export`, `subject erase` and `subject requests` answer a request from the terminal',
  async (database) => {
    const env: Record<string, string> = { DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-subject-cli-')), DEMO_DATA: 'false' };
    if (database.engine === 'postgres') env.DATABASE_URL = database.url!;
    // The shop, on the same settings, makes a customer; then it stops, as it must for the embedded database.
    const handle = database.engine === 'postgres' ? database : await openDatabase({ databaseUrl: null, pgliteDir: join(env.DATA_DIR!, 'pglite') });
    if (database.engine === 'pglite') await migrate(handle.db, allMigrations);
    const { app } = await buildTestApp(handle, env);
    await signUpAndConfirm(new FormClient(app), handle.db, person);
    await app.close();
    if (database.engine === 'pglite') await handle.close();

    const exported = await cliProcess(env, 'subject', 'export', '--email', person.email, '--channel', 'post', '--json');
    assert.equal(exported.code, 0, exported.stderr);
    const doc = JSON.parse(exported.stdout) as { format: string; sections: { id: string; records: Record<string, unknown>[] }[] };
    assert.equal(doc.format, 'custodian-export/1');
    assert.ok(exported.stdout.includes(person.email) && exported.stdout.includes(person.name));

    const unconfirmed = await cli(env, 'subject', 'erase', '--email', person.email);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /--yes: is required/);

    const erased = await cli(env, 'subject', 'erase', '--email', person.email, '--yes');
    assert.equal(erased.code, 0, erased.stderr + erased.stdout);
    assert.match(erased.stdout, /R-\d{6}: the person is erased/);
    assert.deepEqual(readdirSync(join(env.DATA_DIR!, 'mail')), [], 'the receipt went out and the spool kept nothing of them');

    const requests = await cli(env, 'subject', 'requests', '--closed', '--json');
    assert.equal(requests.code, 0, requests.stderr);
    const rows = JSON.parse(requests.stdout) as { kind: string; status: string; channel: string }[];
    assert.deepEqual(rows.map((r) => [r.kind, r.status, r.channel]).sort(), [
      ['access', 'completed', 'post'],
      ['deletion', 'completed', 'email'],
    ]);

    const again = await cli(env, 'subject', 'export', '--email', person.email);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /Nobody with this email address is known/);

    const rotated = await cli(env, 'blind-index', 'rotate');
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /Blind-index key 2 is active; .* destroyed key version\(s\): 1\./);
  },
  { timeout: 600_000 },
);
