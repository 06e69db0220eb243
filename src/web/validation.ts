// Request validation with two Ajv instances. Query strings, route params and headers are always
// text, so they are coerced to the schema's types ("2" → 2). A JSON body already carries its
// types, so it is not coerced: `"price_minor": true` is refused naming the field instead of
// silently becoming 1. Undeclared fields are refused, never dropped (P001-02).
import { Ajv, type Options } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
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

type Validate = (data: unknown) => boolean;

// Compiling a schema is a pure function of the schema, and it is most of what building an app
// costs; a process that builds many apps (a test process builds dozens) compiles each schema once.
// A memo of a pure function, not shared state (decision 0034).
const compilers = {
  text: { ajv: null as Ajv | null, coerce: true, allErrors: false, compiled: new Map<string, Validate>() },
  // A body is checked whole, so a form shows every wrong field at once, not one per submit.
  body: { ajv: null as Ajv | null, coerce: false, allErrors: true, compiled: new Map<string, Validate>() },
};

function compileOnce(kind: keyof typeof compilers, schema: object): Validate {
  const c = compilers[kind];
  const key = JSON.stringify(schema);
  let validate = c.compiled.get(key);
  if (!validate) {
    c.ajv ??= makeAjv(c.coerce, c.allErrors);
    validate = c.ajv.compile(schema);
    c.compiled.set(key, validate);
  }
  return validate;
}

/**
 * The validator Fastify gets for a route's part: compiled when the route first takes a request, so
 * a start (and a test's app) does not compile the schemas of the routes it never serves: some 0.3 s
 * of a start's CPU and the memory of their generated code. Fastify and addressProblem read `errors`
 * from the function they were given, so the wrapper carries them over. Every route's schemas are
 * compiled by src/web/route-schemas.test.ts, so a broken one fails there, not at its first request.
 */
function compiledOnFirstUse(kind: keyof typeof compilers, schema: object): Validate {
  let validate: (Validate & { errors?: unknown }) | undefined;
  const onFirstUse = ((data: unknown) => {
    validate ??= compileOnce(kind, schema);
    const valid = validate(data);
    onFirstUse.errors = validate.errors;
    return valid;
  }) as Validate & { errors?: unknown };
  return onFirstUse;
}

const compilerOf = (httpPart: string | undefined): keyof typeof compilers => (httpPart === 'body' ? 'body' : 'text');

/** Compiles a route part's schema now (a test's check that every schema compiles). */
export function compileRouteSchema(httpPart: string, schema: object): void {
  compileOnce(compilerOf(httpPart), schema);
}

type PartError = Error & { validation?: unknown; validationContext?: string; statusCode?: number };

/**
 * Forms keep their body's validation error (attachValidation) to show it next to the fields, but a
 * bad address — a path parameter, the query, a header — is refused here, before any handler looks a
 * record up by it (a path id that is not a UUID once reached the database as a 500). Fastify stops
 * at the first part that fails, so when the body failed the query and headers were never checked
 * (nor coerced): they are checked now.
 */
function addressProblem(request: FastifyRequest): Error | null {
  const problem = request.validationError as PartError | undefined;
  if (!problem) return null;
  if (problem.validationContext !== 'body') return problem;
  for (const part of ['querystring', 'headers'] as const) {
    const validate = request.getValidationFunction(part) as (((data: unknown) => boolean) & { errors?: unknown }) | undefined;
    const input = part === 'querystring' ? request.query : request.headers;
    if (validate && !validate(input)) return Object.assign(new Error(`${part} is not valid`), { validation: validate.errors, validationContext: part, statusCode: 400 });
  }
  return null;
}

export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) => compiledOnFirstUse(compilerOf(httpPart), schema as object));
  installTextCheck(app);
  app.addHook('preHandler', (request, _reply, done) => done(addressProblem(request) ?? undefined));
}
