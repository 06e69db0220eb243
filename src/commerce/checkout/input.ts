// Holds a checkout request to exactly the fields `fieldsFor` declares: anything else is refused
// with a 400 naming it (P001-02), every declared field is checked against its own rules, and all
// problems are reported at once, each under `body.<field>`.
import { AppError, type FieldProblem } from '../../platform/errors.ts';
import type { PricedCart } from '../pricing/index.ts';
import { isCountry, postalCodeProblem } from './countries.ts';
import { fieldsFor, methodsFor, paymentMethods, type CheckoutSettings, type FieldSpec, type PaymentMethod } from './fields.ts';

/** Fields every request carries besides the declared ones (not personal data). */
export const controlFields = ['method', 'idempotency_key'] as const;

export interface CheckoutInput {
  method: PaymentMethod;
  fields: FieldSpec[];
  /** Declared field name → trimmed value ('' for an empty optional field). */
  values: Record<string, string>;
}

function problemOf(f: FieldSpec, value: string): string | null {
  if (value === '') return f.required ? 'is required' : null;
  if (f.options) return f.options.some((o) => o.value === value) ? null : `must be ${f.optionsHint ?? `one of ${f.options.map((o) => o.value).join(', ')}`}`;
  if (value.length > f.maxLength) return `must be at most ${f.maxLength} characters`;
  if (f.minLength && value.length < f.minLength) return `must be at least ${f.minLength} characters`;
  if (f.pattern && !new RegExp(f.pattern).test(value)) return `must be ${f.patternHint ?? 'in the accepted format'}`;
  return null;
}

/** The method the request names, if this cart may use it. */
export function checkMethod(value: unknown, cart: Pick<PricedCart, 'totalMinor'>, settings: CheckoutSettings): PaymentMethod {
  const offered = methodsFor(cart, settings);
  if (typeof value !== 'string' || !(paymentMethods as readonly string[]).includes(value)) {
    throw new AppError('VALIDATION_FAILED', `body.method: must be one of ${offered.join(', ')}`, [{ field: 'body.method', message: `must be one of ${offered.join(', ')}` }]);
  }
  if (!offered.includes(value as PaymentMethod)) {
    throw new AppError('PAYMENT_METHOD_NOT_OFFERED', `body.method: ${value} is not offered for this order (offered: ${offered.join(', ')})`, [
      { field: 'body.method', message: `is not offered for this order; choose ${offered.join(' or ')}` },
    ]);
  }
  return value as PaymentMethod;
}

export function readCheckoutInput(body: unknown, cart: Pick<PricedCart, 'totalMinor' | 'needsShipping'>, settings: CheckoutSettings): CheckoutInput {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const method = checkMethod(b.method, cart, settings);
  const fields = fieldsFor(method, cart, settings);
  const declared = new Set<string>([...controlFields, ...fields.map((f) => f.name)]);
  const problems: FieldProblem[] = [];
  for (const name of Object.keys(b)) {
    if (!declared.has(name)) problems.push({ field: `body.${name}`, message: 'is not asked for this payment method and order, so it is not accepted' });
  }
  const values: Record<string, string> = {};
  for (const f of fields) {
    const raw = b[f.name];
    if (raw !== undefined && typeof raw !== 'string') {
      problems.push({ field: `body.${f.name}`, message: 'must be a string' });
      continue;
    }
    const typed = (raw ?? '').normalize('NFKC').trim();
    const value = f.input === 'select' && f.name.endsWith('_country') ? typed.toUpperCase() : typed;
    const problem = problemOf(f, value);
    if (problem) problems.push({ field: `body.${f.name}`, message: problem });
    values[f.name] = value;
  }
  // A postal code is held to its country's format, once the country itself is one of the list.
  for (const f of fields.filter((x) => x.name.endsWith('_postal_code'))) {
    const country = values[f.name.replace(/_postal_code$/, '_country')] ?? '';
    const value = values[f.name] ?? '';
    if (value === '' || problems.some((p) => p.field === `body.${f.name}`) || !isCountry(country)) continue;
    const problem = postalCodeProblem(country, value);
    if (problem) problems.push({ field: `body.${f.name}`, message: problem });
  }
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  return { method, fields, values };
}
