// Signed webhooks to the store, Stripe-style: `Sandbox-Signature: t=<unix seconds>,v1=<hex>` where
// v1 is HMAC-SHA256 over `<t>.<body>` with the webhook secret. A delivery that does not get a 2xx
// is tried again a few times; all of it is in memory, as a real processor's queue is its own affair.
import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_HEADER = 'sandbox-signature';

export function signPayload(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export interface WebhookSender {
  send(type: string, object: Record<string, unknown>): void;
  setUrl(url: string | null): void;
  /** Waits for deliveries under way; retries not yet started are dropped. */
  close(): Promise<void>;
}

export function webhookSender(options: { url: string | null; secret: string; retryDelaysMs: number[]; now: () => Date; log: (line: Record<string, unknown>) => void }): WebhookSender {
  let url = options.url;
  let closed = false;
  const stop = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  async function deliver(target: string, body: string, id: string): Promise<void> {
    for (let attempt = 0; attempt <= options.retryDelaysMs.length && !closed; attempt++) {
      if (attempt > 0) await sleep(options.retryDelaysMs[attempt - 1]!);
      if (closed) return;
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(options.secret, body, options.now()) },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(10_000), stop.signal]),
        });
        await res.arrayBuffer();
        options.log({ event: 'webhook', id, attempt: attempt + 1, status: res.status });
        if (res.ok) return;
      } catch (err) {
        options.log({ event: 'webhook', id, attempt: attempt + 1, error: (err as Error).name });
      }
    }
  }

  return {
    send(type, object) {
      if (!url || closed) return;
      const id = `evt_${randomBytes(12).toString('hex')}`;
      const body = JSON.stringify({ id, type, created: Math.floor(options.now().getTime() / 1000), data: { object } });
      const p = deliver(url, body, id).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    setUrl(next) {
      url = next;
    },
    async close() {
      closed = true;
      stop.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
