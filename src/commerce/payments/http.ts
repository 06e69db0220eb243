// How adapters talk to a processor over HTTP: a time limit, and the two ways a call can fail
// mapped to stable codes. Unreachable, timed out, 5xx or 429: PAYMENT_PROCESSOR_UNAVAILABLE (503),
// which is safe to retry with the same idempotency key. Any other refusal: PAYMENT_PROCESSOR_ERROR
// (502), with the processor's error code but never its message (it may quote what was sent).
import { AppError } from '../../platform/errors.ts';

export type Fetch = typeof fetch;

export interface ProcessorResponse {
  status: number;
  body: Record<string, unknown>;
}

async function send(fetchImpl: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<ProcessorResponse> {
  let res: Response;
  let body: Record<string, unknown>;
  try {
    res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new AppError('PAYMENT_PROCESSOR_UNAVAILABLE');
  }
  if (res.status >= 500 || res.status === 429) throw new AppError('PAYMENT_PROCESSOR_UNAVAILABLE');
  return { status: res.status, body };
}

function refused(name: string, { status, body }: ProcessorResponse): AppError {
  const error = (body.error ?? {}) as Record<string, unknown>;
  const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : `http_${status}`;
  return new AppError('PAYMENT_PROCESSOR_ERROR', `The payment processor (${name}) refused the request: ${code.replace(/[^a-z0-9_]/gi, '').slice(0, 60)}.`);
}

export async function callProcessor(name: string, fetchImpl: Fetch, url: string, init: RequestInit, timeoutMs = 10_000): Promise<ProcessorResponse> {
  const res = await send(fetchImpl, url, init, timeoutMs);
  if (res.status >= 400) throw refused(name, res);
  return res;
}

/** As `callProcessor`, but a 404 answers null: the processor holds no such thing, or no longer does. */
export async function callProcessorIfThere(name: string, fetchImpl: Fetch, url: string, init: RequestInit, timeoutMs = 10_000): Promise<ProcessorResponse | null> {
  const res = await send(fetchImpl, url, init, timeoutMs);
  if (res.status === 404) return null;
  if (res.status >= 400) throw refused(name, res);
  return res;
}

/** As `callProcessor`, but a refusal with one of `answered` (e.g. 402, a declined card) is an answer, not an error. */
export async function callProcessorAnswering(name: string, fetchImpl: Fetch, url: string, init: RequestInit, answered: readonly number[], timeoutMs = 10_000): Promise<ProcessorResponse> {
  const res = await send(fetchImpl, url, init, timeoutMs);
  if (res.status >= 400 && !answered.includes(res.status)) throw refused(name, res);
  return res;
}
