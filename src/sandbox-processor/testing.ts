// Helpers for tests that drive the sandbox processor as a buyer and as the store would.
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxProcessor, type SandboxProcessor, type SandboxProcessorOptions } from './app.ts';

export const TEST_SANDBOX_SECRET = 'sandbox-test-secret-0123456789abcdef';

export async function startTestSandbox(options: Partial<SandboxProcessorOptions> = {}): Promise<SandboxProcessor & { dir: string }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sandbox-processor-'));
  const processor = await startSandboxProcessor({ port: 0, dir, secretKey: TEST_SANDBOX_SECRET, webhookRetryDelaysMs: [50, 100], ...options });
  return Object.assign(processor, { dir });
}

/** What a buyer's browser does on the processor page: post the form, do not follow the redirect. */
export async function submitPayForm(payUrl: string, fields: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(payUrl, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

export const TEST_CARD = { number: '4242 4242 4242 4242', expiry: '12/34', cvc: '123', name: 'Test Buyer' };

export interface ReceivedHook {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A listening HTTP server that records what is posted to it and answers `status`. */
export async function hookCatcher(status: number | (() => number) = 200): Promise<{ url: string; received: ReceivedHook[]; next(): Promise<ReceivedHook>; close(): Promise<void> }> {
  const received: ReceivedHook[] = [];
  const waiters: ((h: ReceivedHook) => void)[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const hook = { headers: req.headers, body };
      received.push(hook);
      waiters.shift()?.(hook);
      res.statusCode = typeof status === 'number' ? status : status();
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
