// Bodies that are not UTF-8 are refused naming the body or the field, not stored as U+FFFD; valid
// UTF-8 arrives unchanged in every body type, multipart fields included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installUtf8Bodies, installUtf8MultipartFields } from './body-encoding.ts';
import { registerErrorHandling } from './error-handler.ts';
import { multipartForms } from './multipart.ts';

const bad = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);

async function echoApp() {
  const app = Fastify();
  await app.register(multipartForms, { attachFieldsToBody: 'keyValues', defCharset: 'latin1' } as Parameters<typeof multipartForms>[1]);
  installUtf8MultipartFields(app);
  installUtf8Bodies(app, 64 * 1024);
  registerErrorHandling(app);
  app.post('/echo', async (request) => ({ body: request.body }));
  await app.ready();
  return app;
}

function multipart(value: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const b = 'fuzzboundary';
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${b}` },
    payload: Buffer.concat([Buffer.from(`--${b}\r\ncontent-disposition: form-data; name="note"\r\n\r\n`), value, Buffer.from(`\r\n--${b}--\r\n`)]),
  };
}

test('a JSON, urlencoded or multipart body with bytes that are not UTF-8 is a 400 naming the body or field', async () => {
  const app = await echoApp();
  try {
    const json = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: Buffer.concat([Buffer.from('{"note":"'), bad, Buffer.from('"}')]) });
    assert.equal(json.statusCode, 400);
    assert.deepEqual(json.json().error.fields, [{ field: 'body', message: 'is not valid UTF-8' }]);
    const form = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: Buffer.concat([Buffer.from('note='), bad]) });
    assert.equal(form.statusCode, 400);
    assert.deepEqual(form.json().error.fields, [{ field: 'body', message: 'is not valid UTF-8' }]);
    const parts = await app.inject({ method: 'POST', url: '/echo', ...multipart(Buffer.concat([Buffer.from('fu'), bad])) });
    assert.equal(parts.statusCode, 400);
    assert.deepEqual(parts.json().error.fields, [{ field: 'body.note', message: 'is not valid UTF-8' }]);
  } finally {
    await app.close();
  }
});

test('valid UTF-8 arrives unchanged as JSON, urlencoded and multipart', async () => {
  const app = await echoApp();
  try {
    const text = 'Zoë’s café 😀';
    const json = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ note: text }) });
    assert.equal(json.json().body.note, text);
    const form = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `note=${encodeURIComponent(text)}` });
    assert.equal(form.json().body.note, text);
    const raw = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: Buffer.from(`note=${text}`) });
    assert.equal(raw.json().body.note, text);
    const parts = await app.inject({ method: 'POST', url: '/echo', ...multipart(Buffer.from(text)) });
    assert.equal(parts.json().body.note, text);
  } finally {
    await app.close();
  }
});
