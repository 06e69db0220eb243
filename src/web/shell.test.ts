import assert from 'node:assert/strict';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { buildTestApp } from '../platform/testing/app.ts';

testEachDatabase('web shell: health, readiness, CSP and JSON 404', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const health = await app.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    const ready = await app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().database, database.engine);
    const csp = String(health.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const missing = await app.inject({ url: '/api/nothing-here' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'ROUTE_NOT_FOUND');
  } finally {
    await app.close();
  }
});
