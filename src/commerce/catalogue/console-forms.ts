// What the staff catalogue forms share: reading a form body, turning typed text into command input
// (a price in major units, a stock count, a slug made from the name), the notices a 303 comes back
// with, and an error's fields renamed to the form's inputs.
import type { FastifyRequest } from 'fastify';
import { AppError, type FieldProblem } from '../../platform/errors.ts';
import { formErrors, validationProblem } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import type { FieldProblems } from './checks.ts';
import { parseMajor } from '../../web/money.ts';
import { limits } from './schemas.ts';

export type Body = Record<string, string | undefined>;

/** The form body, after the body schema (strings only) passed; throws the schema's problem. */
export function formBody(request: FastifyRequest): Body {
  const problem = validationProblem(request);
  if (problem) throw problem;
  return (request.body ?? {}) as Body;
}

/** The text of a field, trimmed; '' when absent. */
export const text = (body: Body, name: string) => (body[name] ?? '').trim();

/** The text fields of a body, to fill a form again. */
export function typed(body: unknown, names: readonly string[]): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string).slice(0, 20_000) : '']));
}

/** "Backup Pro 2" → "backup-pro-2", for a slug left empty. */
export function slugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, limits.slug)
    .replace(/^-+|-+$/g, '');
}

/** A stock count as typed: empty is "not counted" (null), digits a count; anything else stays text for the command to refuse. */
export function stockOf(typedText: string): number | null | string {
  const t = typedText.trim();
  if (t === '') return null;
  return /^\d{1,10}$/.test(t) ? Number(t) : t;
}

/** A typed price in the variant's currency, or the problem naming `field`. */
export function priceOf(p: FieldProblems, field: string, typedText: string, currency: string): number | undefined {
  if (typedText.trim() === '') {
    p.fields.push({ field, message: 'is required' });
    return undefined;
  }
  return p.check(() => parseMajor(field, typedText, /^[A-Z]{3}$/.test(currency) ? currency : 'XXX'));
}

/** Adds the command's problems (without touching the database) to the form's own, one per field, and throws them all. */
export function throwAll(p: FieldProblems, more: readonly FieldProblem[]): void {
  for (const f of more) if (!p.fields.some((g) => g.field === f.field)) p.fields.push(f);
  p.throwIfAny();
}

/** An error's field problems under the form's input names (`rename` maps a command's field to one; unmapped ones go to the form as a whole). */
export function formStateOf(err: unknown, csrf: string, values: Record<string, string>, rename: (field: string) => string | null): { state: FormState; status: number } {
  const { status } = formErrors(err);
  const known = err instanceof AppError ? err : null;
  const errors: Record<string, string> = {};
  const fields = known?.fields.length ? known.fields : Object.entries(formErrors(err).errors).map(([field, message]) => ({ field, message }));
  for (const f of fields) {
    const name = rename(f.field.replace(/^body\./, '')) ?? '';
    const message = name === '' && f.field && f.field !== 'body' ? `${f.field}: ${f.message}` : f.message;
    errors[name] ??= message;
  }
  if (Object.keys(errors).length === 0) errors[''] = known?.message ?? 'The form could not be saved.';
  return { state: { csrf, values, errors }, status };
}

/** Notices a page shows after a 303, by code: a fixed list, so nothing typed travels in a URL. */
export const notices: Record<string, string> = {
  created: 'Saved as a draft. Add its variants, then publish it.',
  saved: 'Details saved.',
  published: 'Published: the product is on sale in the storefront.',
  unpublished: 'Unpublished: the product is a draft again and hidden from customers.',
  archived: 'Archived: the product is withdrawn from sale.',
  'variant-added': 'Variant added.',
  'variant-saved': 'Variant saved.',
  'variant-removed': 'Variant removed.',
  'stock-saved': 'Stock saved.',
  'stock-unchanged': 'Nothing to save: no stock was changed.',
  'category-added': 'Category added.',
  'category-saved': 'Category saved.',
  'vendor-added': 'Vendor added.',
  'vendor-saved': 'Vendor saved.',
};

export const doneQuery = { type: 'object', properties: { done: { type: 'string', maxLength: 40 } } } as const;

export const noticeOf = (done: string | undefined) => (done && Object.hasOwn(notices, done) ? notices[done] : undefined);
