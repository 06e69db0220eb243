// Every route declares what it accepts: a post's body, a path's parameters (each with a shape or
// a bound). Checked over the route table, so a route added without a schema fails here before a
// fuzzer finds what it lets through.
import assert from 'node:assert/strict';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { compileRouteSchema } from './validation.ts';

// A signed webhook's body is kept as raw bytes for its signature; its parser checks it
// (src/commerce/payments/webhook-event.ts).
const rawBodies = new Set(['POST /payments/webhook/:processor']);

type Shape = { format?: string; pattern?: string; enum?: unknown[]; maxLength?: number };

testEachDatabase('every route that takes a body or path parameters has a schema for them', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const missing: string[] = [];
    for (const route of app.routeTable) {
      const key = `${route.method} ${route.url}`;
      if (['POST', 'PUT', 'PATCH'].includes(route.method) && !route.schema?.body && !rawBodies.has(key)) missing.push(`${key}: no body schema`);
      if (route.url.includes('/:') && !route.schema?.params) missing.push(`${key}: no params schema`);
      // A path parameter has a shape or a bound, so text that is no id (../../etc/passwd) is refused
      // before a handler looks a record up by it.
      const declared = (route.schema?.params as { properties?: Record<string, Shape> } | undefined)?.properties ?? {};
      for (const name of [...route.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!)) {
        const shape = declared[name];
        if (!shape) missing.push(`${key}: params.${name} not declared`);
        else if (!shape.format && !shape.pattern && !shape.enum && shape.maxLength === undefined) missing.push(`${key}: params.${name} has no format, pattern, enum or maxLength`);
      }
    }
    assert.deepEqual(missing, []);
  } finally {
    await app.close();
  }
});

// P001-02: a form or API body takes only the fields it declares. Every body schema says so
// (additionalProperties: false), and the validator refuses what is left over rather than dropping
// it (src/web/validation.ts, removeAdditional: false), so the 400 names the field
// (test/undeclared-fields.test.ts posts one to each public form).
testEachDatabase('every body schema refuses undeclared fields (additionalProperties: false)', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const open: string[] = [];
    for (const route of app.routeTable) {
      const body = route.schema?.body as { type?: unknown; additionalProperties?: unknown } | undefined;
      if (!body) continue;
      if (body.additionalProperties !== false) open.push(`${route.method} ${route.url}`);
    }
    assert.deepEqual(open, []);
  } finally {
    await app.close();
  }
});

// Validators are compiled at a route's first request (src/web/validation.ts), so a schema Ajv cannot
// compile would pass start: every one is compiled here.
testEachDatabase('every route schema compiles', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const broken: string[] = [];
    let compiled = 0;
    for (const route of app.routeTable) {
      for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
        const schema = route.schema?.[part] as object | undefined;
        if (!schema) continue;
        try {
          compileRouteSchema(part, schema);
          compiled++;
        } catch (err) {
          broken.push(`${route.method} ${route.url} ${part}: ${(err as Error).message}`);
        }
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(compiled > 100, `${compiled} schemas compiled`);
  } finally {
    await app.close();
  }
});
