// The web shell's Ajv coerces types (`coerceTypes: 'array'`), which suits query strings and route
// params (always text) but lets a JSON body slip: `"price_minor": true` would become 1 and
// `"name": 123` would become "123". This preValidation hook rejects a body value whose JSON type
// the route's body schema does not allow, before Ajv gets the chance to coerce it. It reads only
// `type`, `properties` and `items`; Ajv still checks everything else.
import type { FastifyRequest } from 'fastify';
import { validationError } from '../../platform/errors.ts';

interface TypedSchema {
  type?: string | readonly string[];
  properties?: Record<string, TypedSchema>;
  items?: TypedSchema;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function allows(types: readonly string[], actual: string): boolean {
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function check(schema: TypedSchema | undefined, value: unknown, path: string): void {
  if (!schema || value === undefined) return;
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const actual = jsonType(value);
    // A fractional number where an integer is wanted is Ajv's to name ("must be integer").
    if (!allows(types, actual) && !(actual === 'number' && types.includes('integer'))) {
      throw validationError(path, `must be ${types.join(' or ')}, not ${actual}`);
    }
  }
  if (schema.properties && jsonType(value) === 'object') {
    for (const [key, sub] of Object.entries(schema.properties)) {
      check(sub, (value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  }
  if (schema.items && Array.isArray(value)) {
    value.forEach((item, i) => check(schema.items, item, `${path}.${i}`));
  }
}

export async function rejectWrongJsonTypes(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema?.body as TypedSchema | undefined;
  if (schema && request.body !== undefined) check(schema, request.body, 'body');
}
