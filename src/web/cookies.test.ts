import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CookieDeclaration, cookieOptions, cookiesOf, durationWords } from './cookies.ts';

const declared = (name: string, secure = true): CookieDeclaration => ({
  name,
  purpose: 'p',
  lifetime: 'l',
  contents: 'An opaque random id',
  attributes: { path: '/', secure, httpOnly: true, sameSite: 'lax' },
  maxAgeSeconds: 60,
});

test('the cookie inventory: a name declared once, only __Host- Secure cookies, setCookie options from the declaration', () => {
  const shell = [declared('__Host-flash')];
  assert.deepEqual(
    cookiesOf(
      [
        { name: 'a', migrations: [], cookies: [declared('__Host-a')] },
        { name: 'b', migrations: [] },
      ],
      shell,
    ).map((c) => c.name),
    ['__Host-flash', '__Host-a'],
  );
  assert.throws(() => cookiesOf([{ name: 'a', migrations: [], cookies: [declared('__Host-flash')] }], shell), /declared by both web and a/);
  assert.throws(() => cookiesOf([{ name: 'a', migrations: [], cookies: [declared('tracker')] }], []), /__Host- prefixed, Secure/);
  assert.throws(() => cookiesOf([{ name: 'a', migrations: [], cookies: [declared('__Host-plain', false)] }], []), /__Host- prefixed, Secure/);
  assert.deepEqual(cookieOptions(declared('__Host-a')), { path: '/', secure: true, httpOnly: true, sameSite: 'lax', maxAge: 60 });
  assert.deepEqual(cookieOptions(declared('__Host-a'), null), { path: '/', secure: true, httpOnly: true, sameSite: 'lax' });
  assert.deepEqual([durationWords(30 * 86_400_000), durationWords(12 * 3_600_000), durationWords(60_000), durationWords(90_000)], ['30 days', '12 hours', '1 minute', '90 seconds']);
});
