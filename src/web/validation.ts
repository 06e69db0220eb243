// Request validation with two Ajv instances. Query strings, route params and headers are always
// text, so they are coerced to the schema's types ("2" → 2). A JSON body already carries its
// types, so it is not coerced: `"price_minor": true` is refused naming the field instead of
// silently becoming 1. Undeclared fields are refused, never dropped (P001-02).
import { Ajv, type Options } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { installTextCheck } from './text-check.ts';

// ajv-formats is CommonJS: under Node's ESM loader its plugin is the `default` of the default.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

const common: Options = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  strict: false,
};

function makeAjv(coerce: boolean, allErrors = false): Ajv {
  const ajv = new Ajv({ ...common, allErrors, coerceTypes: coerce ? 'array' : false });
  addFormats(ajv);
  return ajv;
}

export function installValidation(app: FastifyInstance): void {
  const forText = makeAjv(true);
  // A body is checked whole, so a form shows every wrong field at once, not one per submit.
  const forBody = makeAjv(false, true);
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) => (httpPart === 'body' ? forBody : forText).compile(schema as object));
  installTextCheck(app);
}
