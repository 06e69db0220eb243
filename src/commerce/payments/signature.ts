// Webhook signatures in Stripe's scheme, which the sandbox copies: a header `t=<unix seconds>,v1=<hex>`
// (several v1 during a secret roll), v1 = HMAC-SHA256 over `<t>.<raw body>`. The raw bytes are
// what is signed, so the route keeps the body unparsed. An old timestamp is refused (replay).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, rawBody: Buffer | string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex')}`;
}

export function verifyWebhookSignature(header: string | string[] | undefined, rawBody: Buffer, secret: string, now: Date, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): void {
  const invalid = (why: string) => new AppError('WEBHOOK_SIGNATURE_INVALID', `The webhook signature ${why}.`);
  if (typeof header !== 'string' || header.length === 0 || header.length > 2000) throw invalid('is missing');
  let t = NaN;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2).map((s) => s.trim());
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) signatures.push(Buffer.from(v, 'hex'));
  }
  if (!Number.isFinite(t) || signatures.length === 0) throw invalid('is malformed');
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) throw invalid('is too old');
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  if (!signatures.some((s) => timingSafeEqual(s, expected))) throw invalid('does not match');
}
