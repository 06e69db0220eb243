// Running a form: its route options (body schema, hidden from the API docs, validation errors kept
// so the form can be shown again), turning an error into the form's field errors, and the text
// the visitor typed to fill the form again.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { toAppError } from './error-handler.ts';
import type { FormState } from './form.ts';
import { sendPage, type Page } from './page.ts';

/**
 * The body schema of a form whose handler checks the meaning of each field itself: each named
 * field is one piece of text of at most `max` characters (a repeated field, which arrives as an
 * array, is refused naming it), and no other field is accepted. `_csrf` is gone by validation.
 */
export function textForm(fields: Record<string, number>, required: readonly string[] = []): object {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([name, max]) => [name, { type: 'string', maxLength: max }])),
    ...(required.length ? { required: [...required] } : {}),
    additionalProperties: false,
  };
}

/** The body schema of a post that carries nothing but its CSRF field (or, as JSON, nothing at all). */
export const emptyBody = { type: ['object', 'null'], additionalProperties: false } as const;

/** Options of a form route: its body schema, hidden from the API docs, validation errors re-render the form. */
export const formRoute = (body: object) => ({ schema: { hide: true, body }, attachValidation: true });

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

/**
 * The field errors of the schema's `problem` together with those of `checks`, the checks a handler
 * makes once the schema passed (an email's shape, a password's strength): run on what arrived, so
 * the form names every problem on the first submit, not one round after another. The schema's
 * message wins for a field both name; a check that breaks on a missing field adds nothing.
 */
export function withFieldChecks(problem: unknown, checks?: () => unknown): { errors: Record<string, string>; status: number } {
  const result = formErrors(problem);
  if (!checks) return result;
  try {
    checks();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) return result;
    for (const [field, message] of Object.entries(formErrors(err).errors)) if (field !== '') result.errors[field] ??= message;
  }
  return result;
}

/** The text of the form field `name`, or '' (for field checks run on a body the schema refused). */
export const textOf = (body: unknown, name: string): string => {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
};

/**
 * Runs a form's `action` unless the body failed validation; on a client error shows the form again
 * (from `form`, with what was typed in `keep` and every field's error) with the error's status.
 * `checks` are the action's own field checks: when the schema fails they run too (withFieldChecks).
 */
export async function handleForm(
  request: FastifyRequest,
  reply: FastifyReply,
  state: (extra: Partial<FormState>) => FormState,
  keep: readonly string[],
  form: (s: FormState) => Page,
  action: () => Promise<FastifyReply>,
  checks?: () => unknown,
): Promise<FastifyReply> {
  const problem = validationProblem(request);
  try {
    if (problem) throw problem;
    return await action();
  } catch (err) {
    const { errors, status } = err === problem ? withFieldChecks(err, checks) : formErrors(err);
    return sendPage(request, reply, form(state({ values: formValues(request.body, keep), errors })), status);
  }
}
