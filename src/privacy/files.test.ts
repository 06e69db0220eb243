// The lock around the kernel's files (keyring, audit anchor): a lock left by a killed process of this
// machine is taken over at once; a live holder's is waited for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pidScope } from '../platform/process-alive.ts';
import { withFileLock } from './files.ts';

const lockIn = () => join(mkdtempSync(join(tmpdir(), 'custodian-lock-')), 'anchor.json.lock');

test('a lock left by a process of this machine that is gone is taken over at once', async () => {
  const lock = lockIn();
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(lock, `${Number(gone.stdout)} ${pidScope()}`);
  const started = Date.now();
  assert.equal(await withFileLock(lock, () => 'ran'), 'ran');
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  assert.equal(existsSync(lock), false, 'released');
});

test('a lock held by a live process, or by one of another machine, is waited for', async () => {
  for (const text of [`${process.pid} ${pidScope()}`, `1 another-host pid:[1]`]) {
    const lock = lockIn();
    writeFileSync(lock, text);
    let ran = false;
    const waiting = withFileLock(lock, () => {
      ran = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(ran, false, `not taken from "${text}"`);
    unlinkSync(lock);
    await waiting;
    assert.equal(ran, true, 'taken once released');
  }
});
