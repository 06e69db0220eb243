// Turns a PostgreSQL constraint violation into an AppError naming the field. Both pg and PGlite
// errors carry the SQLSTATE `code`, the `table` and the `constraint`; PostgreSQL names column
// constraints `<table>_<column>_key|fkey|check`, which gives the field. The checks in the commands
// catch nearly everything first; this covers what only the database can see (uniqueness, rows
// deleted meanwhile) and races between two writers.
import { AppError, conflict, validationError } from '../../platform/errors.ts';

interface PgError {
  code: string;
  table?: string;
  constraint?: string;
  detail?: string;
}

function isPgError(err: unknown): err is PgError {
  return typeof err === 'object' && err !== null && !(err instanceof AppError) && typeof (err as { code?: unknown }).code === 'string' && /^23[0-9A-Z]{3}$/.test((err as { code: string }).code);
}

function columnOf(err: PgError): string | null {
  const fromDetail = /^Key \(([a-z_][a-z0-9_]*)\)=/.exec(err.detail ?? '')?.[1];
  if (fromDetail) return fromDetail;
  const { table, constraint } = err;
  if (!table || !constraint?.startsWith(`${table}_`)) return null;
  return constraint.slice(table.length + 1).replace(/_(key|fkey|check|not_null)$/, '') || null;
}

/**
 * The AppError for a unique (23505), foreign-key (23503) or check (23514) violation, with the field
 * named as `<prefix><column>`; null for anything else.
 */
export function fromConstraintViolation(err: unknown, fieldPrefix = ''): AppError | null {
  if (!isPgError(err)) return null;
  const column = columnOf(err);
  const field = column ? `${fieldPrefix}${column}` : undefined;
  switch (err.code) {
    case '23505':
      return field ? new AppError('CONFLICT', `${field}: is already taken`, [{ field, message: 'is already taken' }]) : conflict('A value that must be unique is already taken.');
    case '23503':
      if ((err.detail ?? '').includes('still referenced')) {
        return conflict(`This is still referenced from ${err.table ?? 'other records'} and cannot be removed.`);
      }
      return validationError(field ?? 'reference', 'does not name an existing record');
    case '23514':
    case '23502':
      return validationError(field ?? 'value', 'is not valid');
    default:
      return null;
  }
}
