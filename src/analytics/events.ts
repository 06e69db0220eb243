// What site-use analytics counts, and how a request is reduced before anything is kept: the
// browser and platform families of the User-Agent (never the string), the host of an external
// Referer (never the address), the client address truncated (IPv4 /24, IPv6 /48) and only ever
// hashed under the day's key, then forgotten. The declared list of events is what the policy's
// "Site use statistics" section states, so the published text cannot drift from the code.
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** The kinds of event one row of today's raw table records. */
export const EVENT_KINDS = ['page_view', 'basket_add', 'checkout_start', 'purchase'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** What is counted, in the words the policy and the staff report use. */
export const ANALYTICS_EVENTS: readonly { key: string; label: string }[] = [
  { key: 'visits', label: 'visits (a visit is the same browser family, platform family and network of a day, never a person)' },
  { key: 'page_views', label: 'pages viewed (the page’s address without what follows a “?”)' },
  { key: 'basket_adds', label: 'items put in a basket' },
  { key: 'checkout_starts', label: 'checkouts started' },
  { key: 'purchases', label: 'purchases' },
  { key: 'time_on_site', label: 'time on site (from the first to the last page of a visit that day)' },
  { key: 'referrer', label: 'the website a visitor came from (its name only, never the page)' },
  { key: 'browser', label: 'the browser family (Firefox, Chrome, Safari, Edge or other)' },
  { key: 'platform', label: 'the platform family (Windows, macOS, Linux, Android, iOS or other)' },
  { key: 'hour', label: 'the hour of the day (to plan capacity)' },
];

export const BROWSERS = ['Firefox', 'Chrome', 'Safari', 'Edge', 'other'] as const;
export const PLATFORMS = ['Windows', 'macOS', 'Linux', 'Android', 'iOS', 'other'] as const;
export type Browser = (typeof BROWSERS)[number];
export type Platform = (typeof PLATFORMS)[number];

/** The browser family of a User-Agent; order matters (Edge and Opera say Chrome, Chrome says Safari). */
export function browserOf(ua: string): Browser {
  if (/\bEdg(e|A|iOS)?\//.test(ua)) return 'Edge';
  if (/\b(OPR|Opera|SamsungBrowser|YaBrowser|Vivaldi)\//.test(ua)) return 'other';
  if (/\b(Firefox|FxiOS)\//.test(ua)) return 'Firefox';
  if (/\b(Chrome|Chromium|CriOS)\//.test(ua)) return 'Chrome';
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(ua)) return 'Safari';
  return 'other';
}

/** The platform family of a User-Agent; iOS and Android before the desktop systems they mention. */
export function platformOf(ua: string): Platform {
  if (/\b(iPhone|iPad|iPod)\b/.test(ua)) return 'iOS';
  if (/\bAndroid\b/.test(ua)) return 'Android';
  if (/\bWindows\b/.test(ua)) return 'Windows';
  if (/\b(Macintosh|Mac OS X)\b/.test(ua)) return 'macOS';
  if (/\b(Linux|X11|CrOS)\b/.test(ua)) return 'Linux';
  return 'other';
}

/** Obvious robots: not visitors. */
export const isBot = (ua: string): boolean => /bot|crawler|spider/i.test(ua);

/** The eight 16-bit groups of an IPv6 address. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  let left = part(head);
  let right = tail === undefined ? [] : part(tail);
  // An embedded IPv4 in the last 32 bits (::ffff:1.2.3.4).
  const fix = (groups: string[]) => {
    const last = groups.at(-1);
    if (last && isIPv4(last)) {
      const [a, b, c, d] = last.split('.').map(Number) as [number, number, number, number];
      return [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    }
    return groups;
  };
  left = fix(left);
  right = fix(right);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right].map((g) => parseInt(g, 16) || 0);
}

/** The network of a client address: IPv4 /24 ("192.0.2.0/24"), IPv6 /48; an IPv4-mapped IPv6 address as IPv4. */
export function truncatedIp(address: string | undefined): string {
  // A client gone before its response was logged leaves its request no address.
  if (!address) return 'unknown';
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIPv4(plain)) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(address)) {
    const groups = ipv6Groups(address.split('%')[0]!);
    return `${groups
      .slice(0, 3)
      .map((g) => g.toString(16))
      .join(':')}::/48`;
  }
  return 'unknown';
}

/** The host of a Referer from another website, or null (none, unparsable, not http(s), or this shop's own). */
export function externalReferrerHost(referer: string | undefined, ownHosts: readonly string[]): string | null {
  if (!referer) return null;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (!host || host.length > 253 || ownHosts.includes(host)) return null;
  return host;
}

/** The UTC day of an instant, YYYY-MM-DD. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The visit code: HMAC-SHA256 under the day's key of the network and the two families, cut to 16 bytes. */
export function visitHashFor(secret: Buffer, address: string | undefined, browser: string, platform: string): Buffer {
  return createHmac('sha256', secret)
    .update(`${truncatedIp(address)}\n${browser}\n${platform}`)
    .digest()
    .subarray(0, 16);
}
