// How the Stripe adapter asks Stripe to forget a buyer. Stripe keeps the buyer's name, email and
// billing details on the Checkout Session (customer_details), its PaymentIntent, Charge and
// PaymentMethod, and on a Customer when one was made. A deleted Customer loses its payment details;
// a redaction job replaces the personal data on the session and every object related to it
// (events and request logs included) with placeholders, keeping amounts and statuses. What Stripe
// still keeps afterwards, and why, is written down in CONTEXT.md ("Forgetting a buyer").
//
// A redaction job validates asynchronously before it can run, so `forget` is a step that each call
// moves on: the job is created under the caller's Idempotency-Key (a retry finds the same job), then
// run once Stripe has found it ready. "Not ready yet" is PAYMENT_PROCESSOR_UNAVAILABLE: retry later.
import { AppError } from '../../platform/errors.ts';
import type { ProcessorResponse } from './http.ts';

export interface StripeCalls {
  call(path: string, init: RequestInit): Promise<ProcessorResponse>;
  /** A 404 answers null. */
  callIfThere(path: string, init: RequestInit): Promise<ProcessorResponse | null>;
  headers(idempotencyKey?: string): Record<string, string>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function unexpected(): AppError {
  return new AppError('PAYMENT_PROCESSOR_ERROR', 'The payment processor (stripe) answered in an unexpected shape.');
}

export async function forgetAtStripe(api: StripeCalls, ref: string, idempotencyKey: string): Promise<void> {
  const found = await api.callIfThere(`/v1/checkout/sessions/${encodeURIComponent(ref)}?expand[]=customer`, { headers: api.headers() });
  if (!found) return; // Stripe holds no such session, so nothing of the buyer under it either
  const customer = obj(found.body.customer);
  if (customer && customer.deleted !== true) {
    const id = str(customer.id);
    if (!id) throw unexpected();
    // DELETE is idempotent by definition at Stripe and takes no Idempotency-Key; 404: already gone.
    await api.callIfThere(`/v1/customers/${encodeURIComponent(id)}`, { method: 'DELETE', headers: api.headers() });
  }
  // `fix`: Stripe settles what blocks a redaction when it can (an unfinished PaymentIntent is cancelled).
  const form = new URLSearchParams({ 'objects[checkout_sessions][0]': ref, validation_behavior: 'fix' });
  const created = await api.call('/v1/privacy/redaction_jobs', { method: 'POST', headers: api.headers(idempotencyKey), body: form.toString() });
  const jobId = str(created.body.id);
  if (!jobId) throw unexpected();
  // A replayed create answers the job as it was then; its status now is another question.
  const job = (await api.call(`/v1/privacy/redaction_jobs/${encodeURIComponent(jobId)}`, { headers: api.headers() })).body;
  const status = str(job.status);
  if (status === 'redacting' || status === 'succeeded') return;
  if (status === 'ready') {
    await api.call(`/v1/privacy/redaction_jobs/${encodeURIComponent(jobId)}/run`, { method: 'POST', headers: api.headers(`${idempotencyKey}:run`), body: '' });
    return;
  }
  if (status === 'created' || status === 'validating') {
    throw new AppError('PAYMENT_PROCESSOR_UNAVAILABLE', 'Stripe is still checking that this payment can be redacted; try again in a moment.');
  }
  // failed (for instance a charge younger than Stripe's 90-day risk period), canceling or canceled.
  throw new AppError(
    'PAYMENT_PROCESSOR_ERROR',
    `The payment processor (stripe) refused the request: redaction_job_${(status ?? 'unknown').replace(/[^a-z_]/g, '')} (${jobId.replace(/[^A-Za-z0-9_]/g, '')}).`,
  );
}
