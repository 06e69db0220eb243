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
 * Runs a form's `action` unless the body failed validation; on a client error shows the form again
 * (from `form`, with what was typed in `keep` and every field's error) with the error's status.
 */
export async function handleForm(
  request: FastifyRequest,
  reply: FastifyReply,
  state: (extra: Partial<FormState>) => FormState,
  keep: readonly string[],
  form: (s: FormState) => Page,
  action: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    const problem = validationProblem(request);
    if (problem) throw problem;
    return await action();
  } catch (err) {
    const { errors, status } = formErrors(err);
    return sendPage(request, reply, form(state({ values: formValues(request.body, keep), errors })), status);
  }
}
