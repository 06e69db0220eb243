import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy } from './app.ts';
import { securityHeaders } from './security-headers.ts';

test('security headers are worked out once from helmet: the CSP as configured, HSTS, framing and sniffing', () => {
  const headers = new Map(securityHeaders({ contentSecurityPolicy, crossOriginEmbedderPolicy: false, referrerPolicy: { policy: 'same-origin' } }));
  assert.equal(
    headers.get('content-security-policy'),
    "default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none';object-src 'none';manifest-src 'self'",
  );
  assert.equal(headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
  assert.equal(headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(headers.get('x-content-type-options'), 'nosniff');
  assert.equal(headers.get('referrer-policy'), 'same-origin');
  assert.equal(headers.has('cross-origin-embedder-policy'), false);
});

test('a CSP directive that depends on the request cannot be worked out once, so it is refused', () => {
  assert.throws(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } } }), /scriptSrc depends on the request/);
});
