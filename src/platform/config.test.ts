import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, settingDocs } from './config.ts';
import { inheritedForChildren, scriptFlags } from './testing/script-flags.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const secretToken = 'short-secret-token';

// Settings that take any text, so no value is "bad".
const freeText = new Set(['HOST', 'DATA_DIR']);

const badValues: Record<string, string[]> = {
  PORT: ['abc', '-1', '65536', '80.5', '3000x'],
  PUBLIC_URL: ['not a url', 'ftp://shop.example', 'javascript:alert(1)'],
  DATABASE_URL: ['mysql://root@localhost/shop', 'localhost:5432'],
  // Without DATABASE_URL (the embedded database) any replica is refused, a well-formed one too.
  DATABASE_REPLICA_URL: ['mysql://root@localhost/shop', 'localhost:5433', 'postgres://postgres@127.0.0.1:5433/shop'],
  LOG_LEVEL: ['loud', 'INFO'],
  RUN_WORKER: ['maybe', '2'],
  WORKER_CONCURRENCY: ['0', '65', 'four'],
  WORKER_POLL_MS: ['10', '60001', '1e3'],
  DEMO_DATA: ['sure'],
  RATE_LIMIT_PER_MINUTE: ['-5', '1.5', '1000001'],
  TRUST_PROXY: ['x'],
  STAFF_API_TOKEN: [secretToken],
  SHOP_NAME: ['   ', 'x'.repeat(101)],
  CURRENCY: ['usd', 'EURO', '€'],
  SHOP_TAX_RATE: ['20%', '-1', '10001', '7.5'],
  SHIPPING_FLAT_MINOR: ['5.00', '-1', '100000001'],
  SHIPPING_PER_ITEM_MINOR: ['1.5', '-2'],
  SHIPPING_FREE_FROM_MINOR: ['100$', '-1', '2000000001'],
  PAYMENT_PROCESSOR: ['paypal', 'Sandbox', 'stripe '],
  SANDBOX_PROCESSOR_URL: ['localhost:3100', 'ftp://sandbox.example'],
  SANDBOX_PROCESSOR_PORT: ['-1', '65536', 'auto'],
  SANDBOX_PROCESSOR_SECRET: ['too-short-secret'],
  STRIPE_SECRET_KEY: ['pk_test_abcdefghijkl', 'sk_test_', 'hunter2'],
  STRIPE_WEBHOOK_SECRET: ['whsec_', 'sk_test_abcdefghijkl'],
  SHUTDOWN_GRACE_MS: ['soon', '600001'],
  RIGHTS_DEADLINE_DAYS: ['a month', '0', '91'],
  BACKUP_RETENTION_DAYS: ['forever', '0', '3651'],
  BACKUP_INTERVAL_HOURS: ['daily', '0', '721'],
  // '.' holds ./data/keyring.json: a folder of backups must not hold the keyring.
  BACKUP_DIR: ['./data', './data/media/backups', './data/downloads', 'package.json', '.'],
  BACKUP_COPY_COMMAND: ['rclone copy "$CUSTODIAN_BACKUP_FILE" remote:a\nrm -rf /', 'cp "$CUSTODIAN_BACKUP_FILE" /mnt/b\r/c', `cp "$CUSTODIAN_BACKUP_FILE" /mnt/${'b'.repeat(1000)}`, 'scp\u0000x'],
  BACKUP_COPY_TIMEOUT_MINUTES: ['0', '1441', 'an hour', '1.5'],
  BLIND_INDEX_ROTATION_DAYS: ['weekly', '0', '366'],
  POLICY_NOTICE_DAYS: ['a month', '0', '366'],
  DOWNLOAD_LINK_DAYS: ['a week', '0', '91'],
  DOWNLOAD_MAX_MB: ['25MB', '0', '201'],
  SELFCHECK_INTERVAL_HOURS: ['daily', '0', '721'],
  ANALYTICS_MIN_COUNT: ['0', 'abc', '1001', '2.5', '-5'],
  KEYRING_PATH: ['/tmp/', projectRoot],
  DATA_REGION: ['US', 'united states', 'u'],
  DATAMAP_DIR: ['/nonexistent-datamap-folder', fileURLToPath(import.meta.url)],
  OFFERS_CONSENT: ['optin', 'consent', 'Opt-In'],
  MAIL_BOUNCE_SECRET: ['too-short-for-a-secret'],
  MAIL_INBOUND_SECRET: ['too-short-for-a-secret'],
  SMTP_URL: ['mail.example.com:25', 'http://mail.example.com', 'smtp://', 'not a url'],
  STAFF_NETWORKS: ['10.0.0.0', '10.0.0.0/33', 'office', '2001:db8::/129', '10.0.0.0/8,', '10.0.0.0/8; 192.168.0.0/16'],
  STAFF_PASSWORD_MAX_AGE_DAYS: ['0', '3651', 'ninety', '90d'],
  LOGIN_LOCK_ACCOUNT_FAILURES: ['2', '101', 'five'],
  LOGIN_LOCK_SOURCE_FAILURES: ['4', '10001', '1.5'],
  LOGIN_LOCK_WINDOW_MINUTES: ['0', '1441', '15m'],
  LOGIN_LOCK_MINUTES: ['0', '1441', '-5'],
  CHECKOUT_REQUIRE_PHONES: ['sometimes'],
  VENDOR_WEBHOOK_LOOPBACK: ['maybe'],
  CHECKOUT_INVOICE_RECIPIENT: ['Credit Agency', 'credit_agency', '-x'],
  CHECKOUT_COUNTRIES: ['USA', 'US;DE', 'U1', 'US,,DE'],
  TLS_CERT_PATH: ['/nonexistent-custodian-cert.pem', fileURLToPath(import.meta.url)],
  TLS_KEY_PATH: ['/nonexistent-custodian-key.pem', fileURLToPath(import.meta.url)],
  HTTP_REDIRECT_PORT: ['80', 'eighty', '70000'],
  TLS_RELOAD_CHECK_SECONDS: ['-1', '86401', 'ten', '1.5'],
  MAIL_FROM: ['shop', 'Shop <shop>', 'Shop <shop@example.com', 'shop@example.com\r\nBcc: everyone@example.com', '<>', 'a b@example.com'],
  // A valid URL without DATABASE_URL is refused too: the direct connection only goes with a pooled one.
  DATABASE_DIRECT_URL: ['mysql://root@localhost/shop', 'localhost:5432', 'postgres://postgres@127.0.0.1:5432/shop'],
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'custodian-config-'));
}

test('every setting except free text has bad values under test', () => {
  for (const { name } of settingDocs) {
    if (name === 'CUSTODIAN_CONFIG' || freeText.has(name)) continue;
    assert.ok(badValues[name]?.length, `add bad values for ${name} to badValues in config.test.ts`);
  }
});

for (const [setting, values] of Object.entries(badValues)) {
  test(`a bad ${setting} is refused with a ConfigError naming ${setting}`, () => {
    for (const value of values) {
      const err = configError({ [setting]: value });
      assert.equal(err.setting, setting, `value ${JSON.stringify(value)}`);
      assert.match(err.message, new RegExp(`\\b${setting}\\b`));
    }
  });
}

test('the inbound mail secret must differ from the bounce secret, and neither is repeated', () => {
  const secret = 'one-secret-for-both-webhooks-0123456789';
  const err = configError({ MAIL_BOUNCE_SECRET: secret, MAIL_INBOUND_SECRET: secret });
  assert.equal(err.setting, 'MAIL_INBOUND_SECRET');
  assert.ok(!err.message.includes(secret));
  assert.equal(loadConfig({ MAIL_BOUNCE_SECRET: secret, MAIL_INBOUND_SECRET: `${secret}-inbound` }).mailInboundSecret, `${secret}-inbound`);
});

test('secrets are not repeated in the error message', () => {
  assert.doesNotMatch(configError({ STAFF_API_TOKEN: secretToken }).message, /short-secret/);
  const url = 'mysql://admin:hunter2@db.internal/shop';
  assert.doesNotMatch(configError({ DATABASE_URL: url }).message, /hunter2/);
  assert.doesNotMatch(configError({ SMTP_URL: 'http://mailer:hunter2@mail.example.com' }).message, /hunter2/);
});

test('defaults apply when nothing is set, and good values are parsed', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.port, 3000);
  assert.equal(defaults.host, '127.0.0.1');
  assert.equal(defaults.databaseUrl, null);
  assert.equal(defaults.runWorker, true);
  assert.equal(defaults.rateLimitPerMinute, 600);
  assert.equal(defaults.publicUrl, 'http://localhost:3000');
  assert.equal(defaults.analyticsMinCount, 5);
  assert.equal(loadConfig({ ANALYTICS_MIN_COUNT: '1' }).analyticsMinCount, 1);
  assert.equal(loadConfig({ ANALYTICS_MIN_COUNT: '1000' }).analyticsMinCount, 1000);

  const set = loadConfig({
    PORT: '8080',
    PUBLIC_URL: 'https://shop.example/',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/shop',
    LOG_LEVEL: 'warn',
    RUN_WORKER: 'off',
    RATE_LIMIT_PER_MINUTE: '0',
    STAFF_API_TOKEN: 'x'.repeat(32),
    CURRENCY: 'EUR',
  });
  assert.equal(set.port, 8080);
  assert.equal(set.publicUrl, 'https://shop.example');
  assert.equal(set.databaseUrl, 'postgres://postgres@127.0.0.1:5432/shop');
  assert.equal(set.logLevel, 'warn');
  assert.equal(set.runWorker, false);
  assert.equal(set.rateLimitPerMinute, 0);
  assert.equal(set.currency, 'EUR');
});

test('SMTP_URL and MAIL_FROM: defaults and good values', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.smtpUrl, null);
  assert.deepEqual(defaults.mailFrom, { name: 'Custodian Demo Shop', address: 'shop@localhost' });
  const set = loadConfig({ SMTP_URL: 'smtps://mailer:s3cret@mail.example.com:465', MAIL_FROM: '"Shop, Inc." <orders@shop.example>' });
  assert.equal(set.smtpUrl, 'smtps://mailer:s3cret@mail.example.com:465');
  assert.deepEqual(set.mailFrom, { name: 'Shop, Inc.', address: 'orders@shop.example' });
  assert.deepEqual(loadConfig({ MAIL_FROM: 'orders@shop.example' }).mailFrom, { name: '', address: 'orders@shop.example' });
});

test('CUSTODIAN_CONFIG file: settings are read, the environment wins, unknown keys are refused', () => {
  const dir = tempDir();
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ PORT: 4000, SHOP_NAME: 'From the file', DEMO_DATA: false }));
  const fromFile = loadConfig({ CUSTODIAN_CONFIG: good, SHOP_NAME: 'From the environment' });
  assert.equal(fromFile.port, 4000);
  assert.equal(fromFile.demoData, false);
  assert.equal(fromFile.shopName, 'From the environment');

  const unknown = join(dir, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ PORT: 4000, PROT: 5000 }));
  const err = configError({ CUSTODIAN_CONFIG: unknown });
  assert.equal(err.setting, 'PROT');
  assert.match(err.message, /PROT/);
  assert.match(err.message, /unknown setting/);

  const badInFile = join(dir, 'bad.json');
  writeFileSync(badInFile, JSON.stringify({ WORKER_CONCURRENCY: 0 }));
  assert.equal(configError({ CUSTODIAN_CONFIG: badInFile }).setting, 'WORKER_CONCURRENCY');

  const notJson = join(dir, 'broken.json');
  writeFileSync(notJson, '{ PORT: 4000');
  assert.equal(configError({ CUSTODIAN_CONFIG: notJson }).setting, 'CUSTODIAN_CONFIG');
  const array = join(dir, 'array.json');
  writeFileSync(array, '[1, 2]');
  assert.equal(configError({ CUSTODIAN_CONFIG: array }).setting, 'CUSTODIAN_CONFIG');
  assert.equal(configError({ CUSTODIAN_CONFIG: join(dir, 'missing.json') }).setting, 'CUSTODIAN_CONFIG');
});

function startMain(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [...scriptFlags('start'), 'src/main.ts'], {
    cwd: projectRoot,
    env: { ...inheritedForChildren(), PATH: process.env.PATH ?? '', DATA_DIR: tempDir(), DEMO_DATA: 'false', RUN_WORKER: 'false', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('the shop refuses to start with PORT=abc: exit 1, a message naming PORT, no stack trace', () => {
  const { status, output } = startMain({ PORT: 'abc' });
  assert.equal(status, 1, output);
  assert.match(output, /PORT/);
  assert.match(output, /abc/);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(output, /Custodian is running/);
});

test('the shop refuses to start with an unknown key in CUSTODIAN_CONFIG', () => {
  const file = join(tempDir(), 'custodian.json');
  writeFileSync(file, JSON.stringify({ LOG_LEVL: 'debug' }));
  const { status, output } = startMain({ CUSTODIAN_CONFIG: file });
  assert.equal(status, 1, output);
  assert.match(output, /LOG_LEVL/);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
});

test('payment settings: sandbox by default; stripe needs both Stripe secrets, which messages never repeat', () => {
  const p = loadConfig({}).payments;
  assert.deepEqual(p, { processor: 'sandbox', sandboxUrl: null, sandboxPort: 3100, sandboxSecret: null, stripeSecretKey: null, stripeWebhookSecret: null });
  assert.equal(configError({ PAYMENT_PROCESSOR: 'stripe' }).setting, 'STRIPE_SECRET_KEY');
  assert.equal(configError({ PAYMENT_PROCESSOR: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abcdefghijkl' }).setting, 'STRIPE_WEBHOOK_SECRET');
  const stripe = loadConfig({ PAYMENT_PROCESSOR: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abcdefghijkl', STRIPE_WEBHOOK_SECRET: 'whsec_abcdefghijkl' }).payments;
  assert.equal(stripe.processor, 'stripe');
  assert.equal(loadConfig({ SANDBOX_PROCESSOR_URL: 'http://127.0.0.1:4100/' }).payments.sandboxUrl, 'http://127.0.0.1:4100');
  assert.doesNotMatch(configError({ STRIPE_SECRET_KEY: 'pk_live_hunter2hunter2' }).message, /hunter2/);
  assert.doesNotMatch(configError({ SANDBOX_PROCESSOR_SECRET: 'hunter2' }).message, /hunter2/);
});

test('a shop served over https sends buyers only to an https processor page: an http SANDBOX_PROCESSOR_URL is refused, except on loopback or with an http PUBLIC_URL', () => {
  for (const sandbox of ['http://pay.example', 'http://203.0.113.7:3100', 'http://127.example.com']) {
    const err = configError({ PUBLIC_URL: 'https://shop.example', SANDBOX_PROCESSOR_URL: sandbox });
    assert.equal(err.setting, 'SANDBOX_PROCESSOR_URL', sandbox);
    assert.match(err.message, /SANDBOX_PROCESSOR_URL: must start with https:\/\/ when PUBLIC_URL does/);
  }
  assert.equal(loadConfig({ PUBLIC_URL: 'https://shop.example', SANDBOX_PROCESSOR_URL: 'https://pay.example/' }).payments.sandboxUrl, 'https://pay.example');
  for (const loopback of ['http://localhost:3100', 'http://127.0.0.1:9', 'http://[::1]:3100']) {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://shop.example', SANDBOX_PROCESSOR_URL: loopback }).payments.sandboxUrl, loopback);
  }
  assert.equal(loadConfig({ PUBLIC_URL: 'http://shop.test', SANDBOX_PROCESSOR_URL: 'http://pay.test:3100' }).payments.sandboxUrl, 'http://pay.test:3100');
  // Unset, `npm start` runs the sandbox on this machine's loopback.
  assert.equal(loadConfig({ PUBLIC_URL: 'https://shop.example' }).payments.sandboxUrl, null);
});

test('DATABASE_DIRECT_URL goes with DATABASE_URL; unset, DATABASE_URL serves both (decision 0067)', () => {
  const pooled = 'postgres://postgres@127.0.0.1:6432/shop';
  const direct = 'postgres://postgres@127.0.0.1:5432/shop';
  assert.equal(loadConfig({ DATABASE_URL: pooled }).databaseDirectUrl, null);
  const both = loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct });
  assert.equal(both.databaseUrl, pooled);
  assert.equal(both.databaseDirectUrl, direct);
});

test('a read replica is refused without a PostgreSQL primary or when it names the primary itself, and is never repeated', () => {
  const primary = 'postgres://shop:hunter2@db.example.com:5432/shop';
  const withoutPrimary = configError({ DATABASE_REPLICA_URL: 'postgres://shop:hunter2@replica.example.com:5432/shop' });
  assert.equal(withoutPrimary.setting, 'DATABASE_REPLICA_URL');
  assert.match(withoutPrimary.message, /needs DATABASE_URL/);
  const same = configError({ DATABASE_URL: primary, DATABASE_REPLICA_URL: primary });
  assert.equal(same.setting, 'DATABASE_REPLICA_URL');
  for (const err of [withoutPrimary, same]) assert.doesNotMatch(err.message, /hunter2/);
  const replica = 'postgres://shop:hunter2@replica.example.com:5432/shop';
  assert.equal(loadConfig({ DATA_DIR: tempDir(), DATABASE_URL: primary, DATABASE_REPLICA_URL: replica }).databaseReplicaUrl, replica);
  assert.equal(loadConfig({ DATA_DIR: tempDir() }).databaseReplicaUrl, null);
});
