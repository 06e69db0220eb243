// HTTPS (P000-13, P003-20, decision 0062): with TLS_CERT_PATH and TLS_KEY_PATH the shop serves
// TLS 1.2 or newer, refuses TLS 1.0 and 1.1, sends Strict-Transport-Security on every answer, and
// HTTP_REDIRECT_PORT answers plain HTTP with a 308 to https://. A sign-up over HTTPS leaves the
// buyer's name and email only encrypted in the database. The certificate is a throw-away
// self-signed one made here with openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { databaseAsText, testEachDatabase } from '../src/platform/testing/databases.ts';
import { TEST_SANDBOX_SECRET } from '../src/sandbox-processor/testing.ts';
import { startShop } from '../src/server.ts';
import { acmeWebroot } from '../src/web/tls.ts';
import { auditActors } from '../src/privacy/testing.ts';
import { sql } from 'kysely';
import { queuedMail, recentSecurityEvents, staffClient } from '../src/accounts/testing.ts';
import { OPENSSL, selfSignedCertificate } from '../src/platform/testing/certificate.ts';

const noOpenssl = existsSync(OPENSSL) ? false : `${OPENSSL} is missing: no certificate can be made for the TLS tests`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string | null;
}

function overHttps(ca: Buffer, port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = httpsRequest(
      { host: '127.0.0.1', servername: 'localhost', port, path, method: options.method ?? 'GET', ca, headers: { host: `localhost:${port}`, accept: 'text/html', ...options.headers }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body, protocol: (res.socket as import('node:tls').TLSSocket).getProtocol?.() ?? null }));
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

function overPlainHttp(port: number, path: string, method = 'GET'): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host: `localhost:${port}` }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => done({ status: res.statusCode!, location: res.headers.location, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** The handshake offering only `version`: resolves with the error the server's alert raised, or null if it connected. */
function handshakeWith(ca: Buffer, port: number, version: SecureVersion): Promise<NodeJS.ErrnoException | null> {
  return new Promise((done) => {
    // SECLEVEL=0 lets this client offer the old protocols at all, so a refusal is the server's.
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
      socket.end();
      done(null);
    });
    socket.on('error', (err) => done(err));
  });
}

test('TLS settings: both files or neither, readable PEM, the redirect port only with TLS; PUBLIC_URL follows', { skip: noOpenssl }, () => {
  const { dir, cert, key } = selfSignedCertificate();
  const base = { DATA_DIR: dir };
  const refused = (env: Record<string, string>, setting: string) =>
    assert.throws(
      () => loadConfig({ ...base, ...env }),
      (err: unknown) => err instanceof ConfigError && err.setting === setting,
      `${JSON.stringify(env)} names ${setting}`,
    );
  refused({ TLS_CERT_PATH: cert }, 'TLS_KEY_PATH');
  refused({ TLS_KEY_PATH: key }, 'TLS_CERT_PATH');
  refused({ TLS_CERT_PATH: join(dir, 'missing.pem'), TLS_KEY_PATH: key }, 'TLS_CERT_PATH');
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  refused({ TLS_CERT_PATH: cert, TLS_KEY_PATH: notPem }, 'TLS_KEY_PATH');
  refused({ HTTP_REDIRECT_PORT: '8080' }, 'HTTP_REDIRECT_PORT');
  refused({ TLS_CERT_PATH: cert, TLS_KEY_PATH: key, HTTP_REDIRECT_PORT: 'eighty' }, 'HTTP_REDIRECT_PORT');
  refused({ TLS_CERT_PATH: cert, TLS_KEY_PATH: key, PUBLIC_URL: 'http://shop.example' }, 'PUBLIC_URL');

  const tls = loadConfig({ ...base, PORT: '8443', TLS_CERT_PATH: cert, TLS_KEY_PATH: key, HTTP_REDIRECT_PORT: '8080' });
  assert.deepEqual([tls.tlsCertPath, tls.tlsKeyPath, tls.httpRedirectPort, tls.publicUrl], [cert, key, 8080, 'https://localhost:8443']);
  const plain = loadConfig(base);
  assert.deepEqual([plain.tlsCertPath, plain.tlsKeyPath, plain.httpRedirectPort, plain.publicUrl], [null, null, null, 'http://localhost:3000']);
});

testEachDatabase(
  '[P003-20][P000-13][P001-09] the shop serves HTTPS (TLS 1.2+, never 1.0 or 1.1) with HSTS on every answer, plain HTTP is redirected with 308, a sign-up over HTTPS leaves the name and email only encrypted at rest, brute force is locked out and alerted, and staff read only what their role needs, audited',
  async (database, t) => {
    if (noOpenssl) return t.skip(noOpenssl);
    const { cert, key } = selfSignedCertificate();
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-tls-shop-')),
      PORT: '0',
      HTTP_REDIRECT_PORT: '0',
      TLS_CERT_PATH: cert,
      TLS_KEY_PATH: key,
      DEMO_DATA: 'false',
      RUN_WORKER: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
      TLS_RELOAD_CHECK_SECONDS: '1',
      // No processor is needed here: the address is never called.
      SANDBOX_PROCESSOR_URL: 'http://127.0.0.1:9',
      SANDBOX_PROCESSOR_SECRET: TEST_SANDBOX_SECRET,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    const shop = await startShop(config, createLogger('silent'));
    t.after(() => shop.stop());
    const port = Number(new URL(shop.url).port);
    const ca = Buffer.from(execFileSync(OPENSSL, ['x509', '-in', cert]));
    assert.match(shop.url, /^https:\/\/localhost:\d+$/, 'the address the banner prints is https');

    // The handshake works at TLS 1.2 or newer; every answer (pages, health, 404) carries HSTS.
    for (const path of ['/', '/healthz', '/no/such/page']) {
      const answer = await overHttps(ca, port, path);
      assert.ok(answer.protocol === 'TLSv1.2' || answer.protocol === 'TLSv1.3', `${path}: negotiated ${answer.protocol}`);
      assert.equal(answer.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', `${path}: HSTS`);
    }
    assert.equal(await handshakeWith(ca, port, 'TLSv1.2'), null, 'a TLS 1.2 client connects');
    for (const old of ['TLSv1', 'TLSv1.1'] as const) {
      const refusal = await handshakeWith(ca, port, old);
      assert.equal(refusal?.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', `${old}: the server refuses the protocol version`);
    }

    // Plain HTTP on the redirect port: 308 to the same host and path over https, whatever the method, and nothing else.
    assert.ok(shop.httpRedirectPort);
    for (const method of ['GET', 'POST']) {
      const answer = await overPlainHttp(shop.httpRedirectPort, '/products?sort=price', method);
      assert.equal(answer.status, 308, `${method}: 308`);
      assert.equal(answer.location, `https://localhost:${port}/products?sort=price`);
      assert.equal(answer.body, '');
    }
    // The HTTPS port itself speaks no plain HTTP.
    await assert.rejects(overPlainHttp(port, '/'));
    // A certificate renewal's HTTP-01 challenge (certbot --webroot -w DATA_DIR/acme) is answered
    // from its file; nothing else of the folder or the disk is, and anything else is redirected.
    const challenges = join(acmeWebroot(config.dataDir), '.well-known', 'acme-challenge');
    mkdirSync(challenges, { recursive: true });
    writeFileSync(join(challenges, 'Tok_en-123'), 'Tok_en-123.thumbprint');
    writeFileSync(join(acmeWebroot(config.dataDir), 'secret.txt'), 'not for anyone');
    const challenge = await overPlainHttp(shop.httpRedirectPort, '/.well-known/acme-challenge/Tok_en-123');
    assert.deepEqual([challenge.status, challenge.body], [200, 'Tok_en-123.thumbprint']);
    for (const path of ['/.well-known/acme-challenge/missing', '/.well-known/acme-challenge/..%2f..%2fsecret.txt', '/.well-known/acme-challenge/../../secret.txt']) {
      const answer = await overPlainHttp(shop.httpRedirectPort, path);
      assert.ok(answer.status === 404 || answer.status === 308, `${path}: ${answer.status}`);
      assert.doesNotMatch(answer.body, /not for anyone/);
    }
    assert.equal((await overPlainHttp(shop.httpRedirectPort, '/.well-known/acme-challenge/Tok_en-123', 'POST')).status, 308);

    // P000-13: a sign-up over HTTPS; the session cookie is Secure; the database holds the name and email only encrypted.
    const person = { name: 'Tessaly Lockwood-Brandt', email: 'tessaly.lockwood@example.org' };
    const form = await overHttps(ca, port, '/account/signup');
    assert.equal(form.status, 200);
    const setCookie = ([] as string[]).concat(form.headers['set-cookie'] ?? []);
    const session = setCookie.find((c) => c.startsWith('__Host-session='));
    assert.ok(session && /;\s*Secure/i.test(session), 'the session cookie is Secure');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const body = new URLSearchParams({ _csrf: csrf, name: person.name, email: person.email, password: 'harbour-quiet-73-lantern', age: 'adult' }).toString();
    const signedUp = await overHttps(ca, port, '/account/signup', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.url, cookie: session.split(';')[0]! },
    });
    assert.equal(signedUp.status, 200, 'the sign-up over HTTPS is taken');
    const dumped = await databaseAsText(shop.database, database.url);
    assert.match(dumped, /accounts_users/, 'the dump is the shop’s database');
    for (const value of [person.name, person.email, 'Lockwood', 'tessaly.lockwood']) assert.ok(!dumped.includes(value), `"${value}" is in plain text in the database`);

    // P001-09, the other safeguards on the same shop. Monitoring (P002-19): repeated wrong
    // passwords over HTTPS lock the sign-in, the lock is recorded without the address, and the
    // owner is mailed (queued through the outbox).
    const db = shop.database.db;
    await staffClient(shop.app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' });
    const login = await overHttps(ca, port, '/account/login');
    const loginCookie = ([] as string[])
      .concat(login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('__Host-session='))!
      .split(';')[0]!;
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const wrong = new URLSearchParams({ _csrf: loginCsrf, email: person.email, password: `not-the-password-${i}` }).toString();
      statuses.push(
        (await overHttps(ca, port, '/account/login', { method: 'POST', body: wrong, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.url, cookie: loginCookie } })).status,
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429], 'brute force is locked out');
    const events = await recentSecurityEvents(db, { limit: 50 });
    assert.ok(
      events.some((e) => e.kind === 'login-locked'),
      'the lock is recorded',
    );
    assert.ok(
      events.every((e) => !JSON.stringify(e.detail).includes('@')),
      'events hold no address',
    );
    assert.ok((await queuedMail(db, 'accounts.security-alert')).length >= 1, 'staff are alerted');

    // Need to know (P002-22): a marketing member cannot open the customer's page; support can, and
    // its read is in the audit log with the purpose it was made under.
    const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!.subject_id;
    const marketing = await staffClient(shop.app, db, { name: 'Mark Eting', email: 'mark@shop.example', role: 'marketing', password: 'amber-lighthouse-27-quietly-sings' });
    assert.equal((await marketing.get(`/staff/customers/${subject}`)).statusCode, 403, 'marketing may not open a customer');
    const support = await staffClient(shop.app, db, { name: 'Sue Port', email: 'sue@shop.example', role: 'support', password: 'amber-lighthouse-27-quietly-sings' });
    const page = await support.get(`/staff/customers/${subject}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Tessaly Lockwood-Brandt/);
    const reads = await auditActors(db, 'data.read');
    assert.ok(
      reads.some((r) => r.role === 'support' && r.purpose === 'support' && r.outcome === 'ok'),
      'the staff read is audited with its purpose',
    );

    // A renewal (certbot replaces both files) is served to new connections within
    // TLS_RELOAD_CHECK_SECONDS, without a restart; a key of another certificate is refused and the
    // renewed one stays in use.
    const served = () => servedFingerprint(port);
    const before = await served();
    const renewed = selfSignedCertificate();
    copyFileSync(renewed.key, key);
    copyFileSync(renewed.cert, cert);
    const fingerprint = new X509Certificate(readFileSync(renewed.cert)).fingerprint256;
    assert.notEqual(before, fingerprint);
    const deadline = Date.now() + 10_000;
    while ((await served()) !== fingerprint && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await served(), fingerprint, 'the renewed certificate is served');
    copyFileSync(selfSignedCertificate().key, key);
    assert.equal(shop.reloadTls()?.outcome, 'refused', 'a key of another certificate is refused');
    assert.equal(await served(), fingerprint, 'the shop goes on with the certificate it had');
    assert.equal((await overHttps(readFileSync(renewed.cert), port, '/healthz')).status, 200);
  },
  { timeout: 240_000 },
);

/** The SHA-256 fingerprint of the certificate a new connection gets. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.end();
      done(fingerprint);
    });
    socket.on('error', fail);
  });
}
