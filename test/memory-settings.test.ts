// The memory settings of decision 0069 stay in place: PGlite's small shared buffers, and `npm start`
// compiling PGlite's WebAssembly with the baseline compiler only (the memory benchmark reads both).
import assert from 'node:assert/strict';
import test from 'node:test';
import { sql } from 'kysely';
import { residentOf } from '../bench/memory.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { scriptFlags } from '../src/platform/testing/script-flags.ts';

test('PGlite opens with 16 MB of shared buffers, not its default 128 MB', async () => {
  const handle = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(handle.db);
    assert.equal(rows[0]?.shared_buffers, '16MB');
  } finally {
    await handle.close();
  }
});

test('npm start, the worker and the CLI run node --liftoff-only, and the benchmark reads resident memory from /proc', () => {
  for (const script of ['start', 'worker', 'custodian'] as const) assert.deepEqual(scriptFlags(script), ['--liftoff-only'], script);
  const own = residentOf(process.pid);
  assert.ok(own && own.rss > 0 && own.hwm >= own.rss);
});
