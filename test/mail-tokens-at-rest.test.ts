// Finding 1 of issue 11 (second half): a used sign-up token was found in the outbox table's heap
// file and in the WAL, because the outbox kept the mail's link. Now a link with a one-time token
// is sealed by the kernel under the recipient's key (decision 0025): after a sign-up and a reset
// mail are sent, no outbox column, no file of the embedded database and no pg_dump holds the
// token the mail carried, and the delivered links still work.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { FormClient } from '../src/accounts/testing.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { loadConfig } from '../src/platform/config.ts';
import { pgliteDirFor } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { startShop } from '../src/server.ts';

const person = { name: 'Token Holder', email: 'token.holder@example.com', password: 'quiet-harbour-19-lantern', next: 'amber-violet-64-compass' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stats = lstatSync(path);
    return stats.isDirectory() ? filesUnder(path) : stats.isFile() ? [path] : [];
  });
}

testEachDatabase(
  'the tokens of mailed links are in no outbox column, no database file and no dump, and the delivered links work',
  async (database, t) => {
    const sink = await startSmtpSink();
    t.after(() => sink.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'custodian-tokens-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      DEMO_DATA: 'false',
      WORKER_POLL_MS: '100',
      RATE_LIMIT_PER_MINUTE: '0',
      SMTP_URL: sink.url,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    const shop = await startShop(config, createLogger('silent'));
    const tokens: string[] = [];
    const linkIn = async (path: string) => {
      const mail = await sink.waitForMail((m) => m.to.includes(person.email) && m.text.includes(path), 30_000);
      const match = new RegExp(`https?://[^\\s]+(${path.replace(/\//g, '\\/')}\\?token=([A-Za-z0-9_-]+))`).exec(mail.text)!;
      tokens.push(match[2]!);
      return match[1]!;
    };
    let outbox: string;
    try {
      const client = new FormClient(shop.app);
      await client.get('/account/signup');
      assert.equal((await client.post('/account/signup', { name: person.name, email: person.email, password: person.password, age: 'adult' })).statusCode, 200);
      const confirmPage = await client.get(await linkIn('/account/confirm'));
      assert.equal(confirmPage.statusCode, 200, 'the delivered sign-up link works');
      const confirmed = await client.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(confirmPage.body)![1]! });
      assert.equal(confirmed.statusCode, 303);

      const visitor = new FormClient(shop.app);
      await visitor.get('/account/reset');
      assert.equal((await visitor.post('/account/reset', { email: person.email })).statusCode, 200);
      const resetPage = await visitor.get(await linkIn('/account/reset/confirm'));
      assert.equal(resetPage.statusCode, 200, 'the delivered reset link works');
      const reset = await visitor.post('/account/reset/confirm', { token: /name="token" value="([^"]+)"/.exec(resetPage.body)![1]!, new_password: person.next });
      assert.ok([200, 303].includes(reset.statusCode), `reset answered ${reset.statusCode}`);

      const { rows } = await sql<{ text: string }>`select coalesce(string_agg(row_to_json(o)::text, ' '), '') as text from comms_outbox o`.execute(shop.database.db);
      outbox = rows[0]!.text;
      assert.match(outbox, /accounts\.confirm-signup/);
    } finally {
      await shop.stop();
    }
    assert.equal(tokens.length, 2);
    for (const token of tokens) assert.ok(!outbox.includes(token), 'no outbox column holds the token');

    if (database.url) {
      const dump = execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-d', database.url], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
      assert.match(dump, /comms_outbox/);
      for (const token of tokens) assert.ok(!dump.includes(token), 'the dump holds no token');
    } else {
      // Heap files, old row versions and the WAL: every byte the embedded database wrote.
      const files = filesUnder(pgliteDirFor(dataDir));
      assert.ok(files.some((f) => f.includes('pg_wal')));
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const token of tokens) assert.equal(bytes.indexOf(token), -1, `${file} holds a token`);
      }
    }
  },
  { timeout: 240_000 },
);
