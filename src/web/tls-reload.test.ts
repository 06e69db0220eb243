// The certificate watch on its own: a renewed pair is served, the same pair is left alone, a pair
// that does not load is refused and the one in use stays, and a change of the files is noticed.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../platform/logger.ts';
import { OPENSSL, selfSignedCertificate } from '../platform/testing/certificate.ts';
import { type SecureContextTarget, watchCertificate } from './tls-reload.ts';

const skip = existsSync(OPENSSL) ? false : `${OPENSSL} is missing`;

function recorder(): SecureContextTarget & { served: Buffer[] } {
  const served: Buffer[] = [];
  return { served, setSecureContext: ({ cert }) => void served.push(cert) };
}

test('certificate watch: a renewed pair is served, the same one is not served again, a key of another certificate is refused', { skip }, () => {
  const first = selfSignedCertificate();
  const renewed = selfSignedCertificate();
  const target = recorder();
  const watch = watchCertificate(target, { certPath: first.cert, keyPath: first.key }, createLogger('silent'), 0);
  try {
    assert.deepEqual(watch.reload(), { outcome: 'unchanged' });
    // Only the certificate renewed so far (the key not yet written): refused, nothing served.
    copyFileSync(renewed.cert, first.cert);
    const refused = watch.reload();
    assert.equal(refused.outcome, 'refused');
    assert.equal(target.served.length, 0);
    copyFileSync(renewed.key, first.key);
    const reloaded = watch.reload();
    assert.equal(reloaded.outcome, 'reloaded');
    assert.equal(target.served.length, 1);
    assert.ok(target.served[0]!.equals(readFileSync(renewed.cert)));
    assert.deepEqual(watch.reload(), { outcome: 'unchanged' });
  } finally {
    watch.stop();
  }
});

test('certificate watch: new files are noticed without a signal, at the check interval', { skip }, async () => {
  const first = selfSignedCertificate();
  const renewed = selfSignedCertificate();
  const target = recorder();
  const watch = watchCertificate(target, { certPath: first.cert, keyPath: first.key }, createLogger('silent'), 0.05);
  try {
    copyFileSync(renewed.key, join(first.dir, 'key.pem'));
    copyFileSync(renewed.cert, join(first.dir, 'cert.pem'));
    const deadline = Date.now() + 5000;
    while (target.served.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(target.served.length, 1, 'the renewed pair is served');
  } finally {
    watch.stop();
  }
});
