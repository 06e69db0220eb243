// SIGTERM stops the shop gracefully: it stops taking connections, lets a request already in flight
// finish, then exits 0, all within SHUTDOWN_GRACE_MS; a request that outlasts the grace period
// does not keep the shop alive.
//
// The in-flight request is a real one held open by the client: a POST sent with
// `Expect: 100-continue`. The server's `100 Continue` proves it has parsed the headers and routed
// the request; the client then sends half of the body, the shop gets SIGTERM, and only once the
// shop has begun shutting down does the client send the rest. No test hook in the shop is needed.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { createScratchPostgres, testEngines } from '../../src/platform/testing/databases.ts';
import { ensureStopped, listVendorSlugs, STAFF_TOKEN, startShopProcess, tempDataDir, type ShopProcess } from './shop-process.ts';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface HeldRequest {
  socket: Socket;
  /** Everything the server sent back so far. */
  received(): string;
  closed: Promise<void>;
  rest: string;
}

/** Sends a vendor-creating POST whose headers the server has routed, with half its body. */
async function holdRequestOpen(shop: ShopProcess, slug: string): Promise<HeldRequest> {
  const body = JSON.stringify({ slug, name: `Vendor ${slug}`, description: 'Created while the shop shut down.' });
  const socket = connect(shop.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(
    [
      'POST /api/staff/vendors HTTP/1.1',
      `Host: 127.0.0.1:${shop.port}`,
      `Authorization: Bearer ${STAFF_TOKEN}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Expect: 100-continue',
      '',
      '',
    ].join('\r\n'),
  );
  await until('the shop answers 100 Continue', () => received.includes('HTTP/1.1 100 Continue\r\n\r\n'));
  const half = Math.floor(body.length / 2);
  socket.write(body.slice(0, half));
  return { socket, received: () => received, closed, rest: body.slice(half) };
}

async function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

for (const engine of testEngines()) {
  test(`SIGTERM lets an in-flight request finish, refuses new connections, exits 0 [${engine}]`, { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    const scratch = engine === 'postgres' ? await createScratchPostgres() : null;
    let shop: ShopProcess | null = null;
    try {
      shop = await startShopProcess({ dataDir, databaseUrl: scratch?.url, env: { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '20000' } });
      const running = shop;
      // SIGHUP reloads (the certificate, when the shop serves TLS: tls.test.ts); it never stops the shop.
      running.child.kill('SIGHUP');
      await until('the shop answers SIGHUP', () => running.output().includes('SIGHUP: nothing to reload'));
      assert.equal(running.child.exitCode, null, 'the shop runs on after SIGHUP');
      const held = await holdRequestOpen(running, 'in-flight-at-sigterm');

      running.child.kill('SIGTERM');
      await until('the shop says it is shutting down', () => running.output().includes('shutting down'));
      await until('the shop stops taking connections', () => refusesConnections(running.port));
      assert.equal(running.child.exitCode, null, 'the shop waits for the request in flight');

      // write, not end: a client that half-closes its side aborts its own request.
      held.socket.write(held.rest);
      // The connection was keep-alive; answered during shutdown, the shop closes it at once.
      await Promise.race([held.closed, until('the shop closes the connection after answering', () => false)]);
      const [head, responseBody] = held.received().split('HTTP/1.1 100 Continue\r\n\r\n')[1]!.split('\r\n\r\n');
      assert.match(head!, /^HTTP\/1\.1 201 /, `${held.received()}\n${running.output()}`);
      assert.match(head!, /\r\nconnection: close\r\n/i);
      assert.equal((JSON.parse(responseBody!) as { slug: string }).slug, 'in-flight-at-sigterm');

      const exit = await running.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, running.output());
      assert.doesNotMatch(running.output(), /grace period over|shutdown failed/);

      shop = await startShopProcess({ dataDir, databaseUrl: scratch?.url });
      assert.ok((await listVendorSlugs(shop)).has('in-flight-at-sigterm'), 'the write finished during shutdown is kept');
      shop.child.kill('SIGTERM');
      assert.deepEqual(await shop.exited, { code: 0, signal: null }, shop.output());
    } finally {
      await ensureStopped(shop);
      await scratch?.drop();
    }
  });
}

test('a request that outlasts SHUTDOWN_GRACE_MS does not keep the shop alive: exit 1 after the grace period', { timeout: 120_000 }, async () => {
  let shop: ShopProcess | null = null;
  try {
    shop = await startShopProcess({ dataDir: tempDataDir(), env: { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '1500' } });
    const held = await holdRequestOpen(shop, 'never-finished');
    const signalled = Date.now();
    shop.child.kill('SIGTERM');
    const exit = await shop.exited;
    const took = Date.now() - signalled;
    assert.deepEqual(exit, { code: 1, signal: null }, shop.output());
    assert.ok(took >= 1400 && took < 15_000, `exited after ${took} ms`);
    assert.match(shop.output(), /"waitingFor":\["web server"\].*grace period over/, 'the log names what was still open');
    await held.closed;
    assert.doesNotMatch(held.received().split('HTTP/1.1 100 Continue\r\n\r\n')[1] ?? '', /HTTP\/1\.1 2/, 'the unfinished request got no success answer');
  } finally {
    await ensureStopped(shop);
  }
});
