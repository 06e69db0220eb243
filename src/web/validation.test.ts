// A form keeps its body's validation error to show it again, but a bad address never reaches its
// handler: a path id that is not a UUID once went on to the database and came back as a 500.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerErrorHandling } from './error-handler.ts';
import { installValidation } from './validation.ts';

async function formApp() {
  const app = Fastify();
  installValidation(app);
  registerErrorHandling(app);
  const seen: Array<{ id: string; problem: string | null; page: unknown }> = [];
  app.post<{ Params: { id: string }; Querystring: { page?: number } }>(
    '/things/:id',
    {
      attachValidation: true,
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { page: { type: 'integer', minimum: 1 } } },
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 10 } } },
      },
    },
    async (request) => {
      seen.push({ id: request.params.id, problem: request.validationError?.message ?? null, page: request.query.page });
      return { shown: 'the form again' };
    },
  );
  await app.ready();
  return { app, seen };
}

const UUID = '00000000-0000-4000-8000-000000000000';

test('a form route refuses a bad path parameter or query before its handler, and keeps a bad body for the form', async () => {
  const { app, seen } = await formApp();
  try {
    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

    const traversal = await post('/things/..%2F..%2Fetc%2Fpasswd', { name: 'x'.repeat(50) });
    assert.equal(traversal.statusCode, 400);
    assert.equal(traversal.json().error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      traversal.json().error.fields.map((f: { field: string }) => f.field),
      ['params.id'],
    );

    // The body failed first, so Fastify never looked at the query: it is checked all the same.
    const badQuery = await post(`/things/${UUID}?page=zero`, { name: 'x'.repeat(50) });
    assert.equal(badQuery.statusCode, 400);
    assert.deepEqual(
      badQuery.json().error.fields.map((f: { field: string }) => f.field),
      ['querystring.page'],
    );
    assert.equal(seen.length, 0, 'the handler never saw a bad address');

    const badBody = await post(`/things/${UUID}?page=2`, { name: 'x'.repeat(50) });
    assert.equal(badBody.statusCode, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.id, UUID);
    assert.match(seen[0]!.problem ?? '', /name/, 'the body error is kept for the form');
    assert.equal(seen[0]!.page, 2, 'the query checked after a bad body is coerced too');
  } finally {
    await app.close();
  }
});
