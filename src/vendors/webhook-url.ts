// Where a vendor's webhook may point. Outside tests and local development only https:// to a
// public address: the shop's own machine, private networks, link-local (cloud metadata) and the
// like are refused, when the URL is saved and again at every send against the addresses the name
// resolves to, and the connection goes to the address that was checked (no second lookup a DNS
// rebinding could change). VENDOR_WEBHOOK_LOOPBACK lets http://127.0.0.1 through for tests.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { validationError } from '../platform/errors.ts';

export const URL_MAX = 2000;

// One list per family: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6');

/** Whether the shop may connect to this address for a webhook. */
export function addressAllowed(address: string, loopback: boolean): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (loopback && address === '127.0.0.1') return true;
  return family === 4 ? !blocked4.check(address, 'ipv4') : !blocked6.check(address, 'ipv6');
}

/** The URL as it will be stored, or a validation error naming `url`. */
export function checkWebhookUrl(typed: string, loopback: boolean): string {
  const text = typed.trim();
  if (text === '') throw validationError('url', 'is required');
  if (text.length > URL_MAX) throw validationError('url', `must be at most ${URL_MAX} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw validationError('url', 'must be a full address starting with https://');
  }
  if (url.username || url.password) throw validationError('url', 'must not carry a user name or password');
  if (url.hash) throw validationError('url', 'must not have a #fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isLoopbackHttp = loopback && url.protocol === 'http:' && host === '127.0.0.1';
  if (url.protocol !== 'https:' && !isLoopbackHttp) throw validationError('url', 'must start with https://');
  if (isIP(host) !== 0 && !addressAllowed(host, loopback)) throw validationError('url', "must reach a public address, not this shop's machine or a private network");
  if (isIP(host) === 0 && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) throw validationError('url', 'must name a public host');
  return url.toString();
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that resolves the name and refuses any address the shop may not reach. */
export function checkedLookup(loopback: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => !addressAllowed(a.address, loopback));
      if (refused || list.length === 0) {
        const e = new Error('WEBHOOK_ADDRESS_REFUSED') as NodeJS.ErrnoException;
        e.code = 'WEBHOOK_ADDRESS_REFUSED';
        return callback(e, '');
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
