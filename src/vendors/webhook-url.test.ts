import assert from 'node:assert/strict';
import { test } from 'node:test';
import { post } from './webhooks.ts';
import { addressAllowed, checkWebhookUrl } from './webhook-url.ts';

const refused = (url: string, loopback = false) =>
  assert.throws(
    () => checkWebhookUrl(url, loopback),
    (e: Error & { fields?: { field: string }[] }) => e.fields?.[0]?.field === 'url',
    url,
  );

test('a webhook URL is https:// to a public host; http://127.0.0.1 only with VENDOR_WEBHOOK_LOOPBACK', () => {
  assert.equal(checkWebhookUrl('  https://hooks.corvid.example/custodian?x=1 ', false), 'https://hooks.corvid.example/custodian?x=1');
  for (const url of [
    '',
    'hooks.corvid.example',
    'http://hooks.corvid.example/',
    'ftp://hooks.corvid.example/',
    'https://user:pw@hooks.corvid.example/',
    'https://hooks.corvid.example/#x',
    'https://localhost/',
    'https://intranet/',
    'https://127.0.0.1/',
    'https://10.1.2.3/',
    'https://169.254.169.254/latest/meta-data',
    'https://192.168.1.10/',
    'https://[::1]/',
    'https://[fd00::1]/',
    'https://[::ffff:127.0.0.1]/',
    'http://127.0.0.1:8080/',
  ])
    refused(url);
  assert.equal(checkWebhookUrl('http://127.0.0.1:8080/hook', true), 'http://127.0.0.1:8080/hook');
  refused('http://10.0.0.1/', true);
  refused('http://localhost:8080/', true);
  assert.ok(addressAllowed('93.184.216.34', false));
  assert.ok(addressAllowed('2606:2800:220:1::1', false));
  assert.ok(!addressAllowed('127.0.0.1', false));
  assert.ok(addressAllowed('127.0.0.1', true));
});

test('at send time a name that resolves to this machine is refused before connecting', async () => {
  const answer = await post('http://localhost:9/x', '{}', {}, { loopback: false, timeoutMs: 2000 });
  assert.equal(answer.status, null);
  assert.match(answer.detail, /address refused/);
});

test('an attempt is bounded: a receiver that never answers times out, and a redirect is not followed', async (t) => {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' });
      res.end();
    }
    // Otherwise: never answers.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const started = Date.now();
  const hung = await post(`${base}/hang`, '{}', {}, { loopback: true, timeoutMs: 300 });
  assert.equal(hung.status, null);
  assert.match(hung.detail, /timed out/);
  assert.ok(Date.now() - started < 2000, 'the attempt ended at its bound');
  const moved = await post(`${base}/redirect`, '{}', {}, { loopback: true, timeoutMs: 2000 });
  assert.equal(moved.status, 307, 'a redirect is an answer that is not a 2xx: retried, never followed');
});
