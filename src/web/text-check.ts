// One check for every request, before any schema or handler sees it: no string in the query,
// route parameters or body (values or keys, at any depth) may hold a null byte or be invalid
// Unicode (a lone surrogate). PostgreSQL cannot store either, so without this check such text
// reached the database and came back as a 500. The first offending field is named in a 400.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';

const MESSAGE = 'must not contain a null byte or invalid characters';

/** True when `text` can be stored and shown: well-formed UTF-16 without a null byte. */
export function isCleanText(text: string): boolean {
  return text.isWellFormed() && !text.includes('\0');
}

/** The dotted path of the first string under `value` that is not clean text, or null. */
export function firstUncleanField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return isCleanText(value) ? null : path;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  if (Buffer.isBuffer(value)) return null;
  for (const [key, inner] of Object.entries(value)) {
    // A key that is not clean names its parent: the key itself may not be printable.
    if (!isCleanText(key)) return path;
    const found = firstUncleanField(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

export function uncleanTextError(field: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${MESSAGE}`, [{ field, message: MESSAGE }]);
}

function check(request: FastifyRequest): void {
  const field = firstUncleanField(request.params, 'params') ?? firstUncleanField(request.query, 'querystring') ?? firstUncleanField(request.body, 'body');
  if (field) throw uncleanTextError(field);
}

/** Installs the check as the first preValidation hook, so it runs before CSRF and every schema. */
export function installTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      check(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
