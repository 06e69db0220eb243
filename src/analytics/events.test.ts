// What a request is reduced to before anything is kept: coarse browser and platform families, the
// network of the address (never the address), the host of another website's Referer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserOf, externalReferrerHost, isBot, platformOf, truncatedIp, visitHashFor } from './events.ts';

test('browser and platform families from real User-Agent strings; anything else is "other"', () => {
  const cases: [string, string, string][] = [
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome', 'Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86', 'Edge', 'Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari', 'macOS'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox', 'Linux'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 'Safari', 'iOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome', 'iOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0', 'other', 'Windows'],
    ['curl/8.5.0', 'other', 'other'],
    ['', 'other', 'other'],
  ];
  for (const [ua, browser, platform] of cases) assert.deepEqual([browserOf(ua), platformOf(ua)], [browser, platform], ua);
  assert.ok(isBot('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'));
  assert.ok(isBot('Baiduspider') && isBot('SomeCrawler/1.0'));
  assert.ok(!isBot(cases[0]![0]));
});

test('the address is cut to its network: IPv4 /24, IPv6 /48, an IPv4-mapped address as IPv4', () => {
  assert.equal(truncatedIp('198.51.100.23'), '198.51.100.0/24');
  assert.equal(truncatedIp('::ffff:198.51.100.23'), '198.51.100.0/24');
  assert.equal(truncatedIp('2001:db8:85a3:1234::42'), '2001:db8:85a3::/48');
  assert.equal(truncatedIp('2001:db8::1'), '2001:db8:0::/48');
  assert.equal(truncatedIp('::1'), '0:0:0::/48');
  assert.equal(truncatedIp('not an address'), 'unknown');
  assert.equal(truncatedIp(undefined), 'unknown', 'a client already gone has no address');
  assert.equal(truncatedIp('2001:db8:85a3:1234::42'), truncatedIp('2001:0db8:85a3:ffff:1::9'), 'the same /48');
});

test('the Referer is kept as the host of another website only', () => {
  const own = ['shop.test'];
  assert.equal(externalReferrerHost('https://News.Example.org/a/b?q=secret#x', own), 'news.example.org');
  assert.equal(externalReferrerHost('https://shop.test/catalogue', own), null, 'our own pages are not referrers');
  assert.equal(externalReferrerHost('android-app://com.example', own), null);
  assert.equal(externalReferrerHost('not a url', own), null);
  assert.equal(externalReferrerHost(undefined, own), null);
});

test('a visit hash depends on the day key: the same visitor under another key is another code', () => {
  const a = visitHashFor(Buffer.alloc(32, 1), '198.51.100.23', 'Firefox', 'Linux');
  assert.equal(a.length, 16);
  assert.deepEqual(a, visitHashFor(Buffer.alloc(32, 1), '198.51.100.99', 'Firefox', 'Linux'), 'the same network, browser and platform on the same day');
  assert.notDeepEqual(a, visitHashFor(Buffer.alloc(32, 2), '198.51.100.23', 'Firefox', 'Linux'));
  assert.notDeepEqual(a, visitHashFor(Buffer.alloc(32, 1), '198.51.100.23', 'Chrome', 'Linux'));
});
