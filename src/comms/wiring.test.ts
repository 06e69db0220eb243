// The send job needs the settings and the privacy kernel: these tests prove that both processes
// that run workers hand them over (`npm start` through server.ts, `npm run worker` through
// worker.ts), by sending a mail through each.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { openTestDatabase, testEachDatabase } from '../platform/testing/databases.ts';
import { personalData } from '../platform/testing/personal-data.ts';
import { scriptFlags } from '../platform/testing/script-flags.ts';
import { testActor, testKernel } from '../privacy/testing.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { startShop } from '../server.ts';
import type { Db } from '../platform/db/database.ts';
import { queueMail } from './outbox.ts';
import { startSmtpSink } from './testing/smtp-sink.ts';
import { WELCOME, welcomeModule } from './testing/welcome-template.ts';
import { modules } from '../modules.ts';

const MAIL_WORKER = fileURLToPath(new URL('./testing/mail-worker.ts', import.meta.url));

async function customer(kernel: PrivacyKernel, db: Db): Promise<string> {
  const actor = testActor('test.signup');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
  await kernel.write(db, { subject, actor, purpose: 'account', values: { 'user.name': personalData.name, 'user.contact.email': personalData.email } });
  return subject;
}

testEachDatabase(
  'the worker inside `npm start` sends queued mail through the kernel the shop started',
  async (database, t) => {
    const sink = await startSmtpSink();
    t.after(() => sink.stop());
    // The shop opens its own database: PostgreSQL at this test's URL, or PGlite under DATA_DIR.
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-comms-shop-')),
      PORT: '0',
      DEMO_DATA: 'false',
      WORKER_POLL_MS: '100',
      SMTP_URL: sink.url,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    const shop = await startShop(config, createLogger('silent'), { modules: [...modules, welcomeModule] });
    try {
      const subject = await customer(shop.app.privacy, shop.database.db);
      await shop.database.db.transaction().execute((trx) => queueMail(trx, { subject, purpose: 'account', template: WELCOME, params: { link: 'https://shop.example/c/1' } }));
      const mail = await sink.waitForMail(undefined, 20_000);
      assert.deepEqual(mail.to, [personalData.email]);
      assert.match(mail.text, new RegExp(`Hello ${personalData.name}`));
    } finally {
      // Before the test's database is dropped.
      await shop.stop();
    }
  },
  { timeout: 120_000 },
);

test('`npm run worker` (src/worker.ts) starts the kernel and sends queued mail [postgres only; skipped without DATABASE_URL]', {
  skip: process.env.DATABASE_URL ? false : 'DATABASE_URL is not set',
  timeout: 120_000,
}, async (t) => {
  const database = await openTestDatabase('postgres');
  t.after(() => database.close());
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-comms-worker-'));
  const keyringPath = join(dataDir, 'keyring.json');
  const { kernel } = await testKernel(database.db, { keyringPath });
  const subject = await customer(kernel, database.db);
  await queueMail(database.db, { subject, purpose: 'account', template: WELCOME, params: { link: 'https://shop.example/c/2' } });

  const child = spawn(process.execPath, [...scriptFlags('worker'), MAIL_WORKER], {
    env: { ...process.env, DATABASE_URL: database.url ?? '', DATA_DIR: dataDir, KEYRING_PATH: keyringPath, SMTP_URL: sink.url, LOG_LEVEL: 'info', WORKER_POLL_MS: '100' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => output.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => output.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const mail = await sink.waitForMail(undefined, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}\nworker output:\n${output.join('\n')}`);
  });
  assert.deepEqual(mail.to, [personalData.email]);
  assert.match(mail.text, new RegExp(`Hello ${personalData.name}`));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, output.join('\n'));
});
