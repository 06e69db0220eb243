// Field checks the catalogue commands run themselves, so a caller without an HTTP schema (the CLI,
// the demo seed, another module) gets the same 400-naming-the-field answer as the staff API.
// Each check throws a VALIDATION_FAILED AppError naming the field; limits come from schemas.ts.
import { AppError, type FieldProblem, validationError } from '../../platform/errors.ts';
import { limits, patterns } from './schemas.ts';

const re = (pattern: string) => new RegExp(pattern, 'u');
const slugRe = re(patterns.slug);
const nameRe = re(patterns.name);
const skuRe = re(patterns.sku);
const textRe = re(patterns.text);
const currencyRe = re(patterns.currency);
const websiteRe = re(patterns.website);
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Length in characters (code points), as JSON Schema and PostgreSQL's length() count them. */
const charLength = (s: string) => [...s].length;

function string(field: string, value: unknown): string {
  if (typeof value !== 'string') throw validationError(field, 'must be a string');
  return value;
}

function maxLength(field: string, value: string, max: number): void {
  if (charLength(value) > max) throw validationError(field, `must be at most ${max} characters`);
}

export function checkSlug(field: string, value: unknown): string {
  const s = string(field, value);
  maxLength(field, s, limits.slug);
  if (!slugRe.test(s)) throw validationError(field, 'must be lowercase letters and digits joined by single hyphens, e.g. "blue-mug"');
  return s;
}

export function checkName(field: string, value: unknown): string {
  const s = string(field, value);
  if (s.length === 0) throw validationError(field, 'must not be empty');
  maxLength(field, s, limits.name);
  if (!nameRe.test(s)) throw validationError(field, 'must contain a visible character and no control characters');
  return s;
}

export function checkText(field: string, value: unknown, max: number): string {
  const s = string(field, value);
  maxLength(field, s, max);
  if (!textRe.test(s)) throw validationError(field, 'must not contain control characters other than tabs and line breaks');
  return s;
}

export function checkSku(field: string, value: unknown): string {
  const s = string(field, value);
  if (s.length === 0) throw validationError(field, 'must not be empty');
  maxLength(field, s, limits.sku);
  if (!skuRe.test(s)) throw validationError(field, 'must not contain spaces or control characters');
  return s;
}

export function checkWebsite(field: string, value: unknown): string | null {
  if (value === null) return null;
  const s = string(field, value);
  maxLength(field, s, limits.website);
  if (!websiteRe.test(s) || !URL.canParse(s)) throw validationError(field, 'must be an http:// or https:// address');
  return s;
}

export function checkCurrency(field: string, value: unknown): string {
  const s = string(field, value);
  if (!currencyRe.test(s)) throw validationError(field, 'must be a three-letter ISO 4217 code such as USD');
  return s;
}

export function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validationError(field, 'must be a whole number');
  if (value < min) throw validationError(field, `must be at least ${min}`);
  if (value > max) throw validationError(field, `must be at most ${max}`);
  return value;
}

export function checkPrice(field: string, value: unknown): number {
  return checkInt(field, value, 0, limits.int4Max);
}

export function checkStock(field: string, value: unknown): number | null {
  return value === null ? null : checkInt(field, value, 0, limits.int4Max);
}

export function checkPosition(field: string, value: unknown): number {
  return checkInt(field, value, 0, limits.int4Max);
}

export function checkUuid(field: string, value: unknown): string {
  const s = string(field, value);
  if (!uuidRe.test(s)) throw validationError(field, 'must be a UUID');
  return s.toLowerCase();
}

export function checkNullableUuid(field: string, value: unknown): string | null {
  return value === null ? null : checkUuid(field, value);
}

export function checkOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw validationError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * Collects the problems of every field of one input, so a form or a request learns about all of
 * them at once: `check` runs one field's check and keeps its VALIDATION_FAILED problems,
 * `throwIfAny` throws them as one error.
 */
export class FieldProblems {
  readonly fields: FieldProblem[] = [];

  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
      this.fields.push(...err.fields);
      return undefined;
    }
  }

  require(field: string, present: boolean): void {
    if (!present) this.fields.push({ field, message: 'is required' });
  }

  throwIfAny(): void {
    if (this.fields.length === 0) return;
    throw new AppError('VALIDATION_FAILED', this.fields.map((f) => `${f.field}: ${f.message}`).join('; '), [...this.fields]);
  }
}
