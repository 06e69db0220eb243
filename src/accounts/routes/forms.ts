// Helpers for form routes: send a page in the layout, turn an error into the form's field errors,
// and answer no sooner than a floor (so "has an account" and "has none" take the same time).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { toAppError } from '../../web/error-handler.ts';
import type { Page } from '../pages/customer.ts';
export { sendPage } from '../../web/page.ts';


/** Field errors by input name ('' for the whole form) and the status to answer with; rethrows anything unexpected. */
export function formErrors(err: unknown): { errors: Record<string, string>; status: number } {
  const known = err instanceof AppError ? err : toAppError(err as Parameters<typeof toAppError>[0]);
  if (!known || known.status >= 500) throw err;
  const errors: Record<string, string> = {};
  for (const f of known.fields) {
    const name = f.field.replace(/^body\./, '');
    if (name === 'body' || name === '') errors[''] = f.message;
    else errors[name] ??= f.message;
  }
  if (known.fields.length === 0) errors[''] = known.message;
  return { errors, status: known.status };
}

/** The validation error Fastify attached (routes use attachValidation to re-render their form). */
export function validationProblem(request: FastifyRequest): unknown {
  return (request as FastifyRequest & { validationError?: Error }).validationError ?? null;
}

/** The text fields of a form body (the CSRF hook removed `_csrf`), never passwords. */
export function formValues(body: unknown, names: readonly string[]): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string).slice(0, 300) : '']));
}

export async function atLeast(startedAt: number, ms: number): Promise<void> {
  const wait = startedAt + ms - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

// Above the slowest path of sign-up and reset requests on a loaded small server.
export const UNIFORM_ANSWER_MS = 400;
