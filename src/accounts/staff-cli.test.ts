import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/index.ts';
import { openDatabase } from '../platform/db/database.ts';
import { pgliteDirFor } from '../platform/db/database.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { FormClient } from './testing.ts';
import { stepAt, totpCode } from './totp.ts';

testEachDatabase(
  'custodian staff create adds the first owner, who sets a strong password through the printed link and signs in',
  async (database) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodian-staff-cli-'));
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://shop.example:8443', ...(database.url ? { DATABASE_URL: database.url } : {}) };
    const out: string[] = [];
    const err: string[] = [];
    const io = { env, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    assert.equal(await runCli(['staff', 'create', '--name', 'Olive Owner', '--email', 'olive@shop.example', '--role', 'owner'], io), 0, err.join(''));
    const link = /https?:\/\/\S+(\/staff\/password\/set\?token=[A-Za-z0-9_-]{43})/.exec(out.join(''))?.[1];
    assert.ok(link, out.join(''));
    assert.ok(out.join('').includes(`https://shop.example:8443${link}`), 'the printed link is on the shop’s public address (PUBLIC_URL)');
    assert.equal(await runCli(['staff', 'create', '--name', 'X', '--email', 'x@shop.example', '--role', 'janitor'], { ...io, out: () => {} }), 2, 'an unknown role is refused');
    assert.match(err.join(''), /--role/);

    // The shop on the same data (embedded database under DATA_DIR, or the same PostgreSQL database).
    const shopDb = database.url ? database : await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirFor(dataDir) });
    const { app } = await buildTestApp(shopDb, { DATA_DIR: dataDir });
    try {
      const owner = new FormClient(app);
      const form = await owner.get(link);
      assert.equal(form.statusCode, 200);
      const token = /name="token" value="([^"]+)"/.exec(form.body)![1]!;
      assert.equal((await owner.post('/staff/password/set', { token, new_password: 'amber-lighthouse-27-quietly-sings' })).statusCode, 303);
      const enrol = (await owner.get('/staff/2fa/enrol')).body;
      assert.match(enrol, /<svg [^>]*role="img" aria-labelledby="qr-title"[^>]*><title id="qr-title">QR code of your authenticator key/, 'the key as a QR code, drawn by the shop');
      const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(enrol)![1]!.replace(/ /g, '');
      assert.equal((await owner.post('/staff/2fa/enrol', { code: totpCode(secret, stepAt(new Date())) })).statusCode, 200);
      const console = await owner.get('/staff');
      assert.match(console.body, /Signed in as Olive Owner, role <strong>owner<\/strong>/);
      assert.match(console.body, /href="\/staff\/users"/);
      assert.match(console.body, /href="\/staff\/orders"/, 'an owner reaches the orders');
      assert.match(console.body, /href="\/staff\/credit"/, 'an owner reaches the credit checks');
    } finally {
      await app.close();
      if (shopDb !== database) await shopDb.close();
    }
  },
  { timeout: 120_000 },
);
