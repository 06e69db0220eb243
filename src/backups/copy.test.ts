// BACKUP_COPY_COMMAND's runner (decision 0063): the file's path only in the environment, never
// shell text; none of the shop's settings in the command's environment; stdin closed; a code for
// each way it fails; a timeout that stops what the shell started; only backup files handed over.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyEnvironment, copyOffsite } from './copy.ts';

const NAME = 'custodian-backup-20261207T020000Z.cbk';

function backupIn(dir: string, bytes = 'encrypted-backup-bytes'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, NAME);
  writeFileSync(file, bytes);
  return file;
}

test('the path reaches the command only through CUSTODIAN_BACKUP_FILE: a folder named with $(…), backticks and quotes runs nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-copy-'));
  const marker = join(root, 'injected');
  const marker2 = join(root, 'injected-backtick');
  // The folder's name is shell that would create the markers if it were ever put into the command text.
  const dir = join(root, `shop $(touch ${marker}) \`touch ${marker2}\` it's "quoted" ; touch ${marker}`);
  const file = backupIn(dir, 'bytes \u0000 of a backup');
  const offsite = join(root, 'offsite');
  mkdirSync(offsite);
  const text = join(root, 'text.txt');
  // The command text keeps every would-be placeholder as it is: nothing is substituted into it.
  const command = `cp "$CUSTODIAN_BACKUP_FILE" ${offsite}/ && printf '%s' '{file} $CUSTODIAN_BACKUP_FILE %s {}' > ${text}`;
  assert.deepEqual(await copyOffsite({ command, file, timeoutMs: 30_000 }), { ok: true });
  assert.deepEqual(readFileSync(join(offsite, NAME)), readFileSync(file), 'the copy is byte-identical');
  assert.equal(readFileSync(text, 'utf8'), '{file} $CUSTODIAN_BACKUP_FILE %s {}');
  assert.ok(!existsSync(marker) && !existsSync(marker2), 'no part of the path ran as shell');
});

test("the command's environment holds CUSTODIAN_BACKUP_FILE and the machine's variables, none of the shop's settings", async () => {
  const env = copyEnvironment('/b/x.cbk', {
    PATH: '/usr/bin:/bin',
    HOME: '/home/shop',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    DATABASE_URL: 'postgres://shop:hunter2@db/shop',
    STAFF_API_TOKEN: 'staff-token-secret',
    KEYRING_PATH: '/srv/shop/keyring.json',
    STRIPE_SECRET_KEY: 'sk_live_secret',
    BACKUP_COPY_COMMAND: 'rclone copy',
    CUSTODIAN_CONFIG: '/etc/custodian.env',
    CUSTODIAN_BACKUP_FILE: '/somewhere/else.cbk',
  });
  assert.deepEqual(env, { PATH: '/usr/bin:/bin', HOME: '/home/shop', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', CUSTODIAN_BACKUP_FILE: '/b/x.cbk' });
  // And in a real run: the shop's token set in this process does not reach the command.
  const root = mkdtempSync(join(tmpdir(), 'custodian-copy-env-'));
  const file = backupIn(join(root, 'b'));
  const before = process.env.STAFF_API_TOKEN;
  process.env.STAFF_API_TOKEN = 'a-staff-token-the-copy-must-not-see';
  try {
    assert.deepEqual(await copyOffsite({ command: `env > ${root}/env.txt`, file, timeoutMs: 30_000 }), { ok: true });
  } finally {
    if (before === undefined) delete process.env.STAFF_API_TOKEN;
    else process.env.STAFF_API_TOKEN = before;
  }
  const seen = readFileSync(join(root, 'env.txt'), 'utf8');
  assert.match(seen, new RegExp(`^CUSTODIAN_BACKUP_FILE=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.doesNotMatch(seen, /STAFF_API_TOKEN|a-staff-token/);
});

test('stdin is closed: a command that reads it ends at once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-copy-stdin-'));
  const file = backupIn(join(root, 'b'));
  assert.deepEqual(await copyOffsite({ command: `cat > ${root}/stdin.txt`, file, timeoutMs: 10_000 }), { ok: true });
  assert.equal(readFileSync(join(root, 'stdin.txt'), 'utf8'), '');
});

test('each failure is a code: an exit status, a missing command, a timeout that stops what the shell started', async () => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-copy-fail-'));
  const file = backupIn(join(root, 'b'));
  assert.deepEqual(await copyOffsite({ command: 'echo "secret output" >&2; exit 3', file, timeoutMs: 10_000 }), { ok: false, code: 'COPY_EXIT_3' });
  assert.deepEqual(await copyOffsite({ command: 'no-such-copy-tool-here "$CUSTODIAN_BACKUP_FILE" 2>/dev/null', file, timeoutMs: 10_000 }), { ok: false, code: 'COPY_COMMAND_NOT_FOUND' });
  const pidFile = join(root, 'pid');
  const started = Date.now();
  assert.deepEqual(await copyOffsite({ command: `sleep 60 & echo $! > ${pidFile}; wait`, file, timeoutMs: 500 }), { ok: false, code: 'COPY_TIMEOUT' });
  assert.ok(Date.now() - started < 10_000, 'the timeout ended it');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  // Gone, or a zombie waiting for a parent to reap it (a container's init may not): either way it no longer runs.
  const running = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && running(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(!running(), 'the tool the shell started is stopped too');
  assert.ok(existsSync(file), 'a failed copy deletes nothing');
});

test('only a file named as a backup is handed to the command: never the keyring or its copy', async () => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-copy-name-'));
  const keyring = join(root, 'keyring.json');
  writeFileSync(keyring, '{}');
  const marker = join(root, 'ran');
  assert.deepEqual(await copyOffsite({ command: `touch ${marker}`, file: keyring, timeoutMs: 10_000 }), { ok: false, code: 'COPY_NOT_A_BACKUP' });
  assert.ok(!existsSync(marker), 'the command did not run');
});
