// Whether an `Origin` header names this shop, compared whole (scheme, host and port), never the
// host alone: a page on http://shop.example must not post to https://shop.example as if it were
// the shop's own. The shop's origins are the one the request reached (its scheme as Fastify sees
// it: the socket, or X-Forwarded-Proto under TRUST_PROXY) and PUBLIC_URL's; when PUBLIC_URL is
// https, an http origin is never the shop's (decision 0029).
import type { FastifyRequest } from 'fastify';

const originOf = (url: string): string | null => {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
};

export function isOwnOrigin(request: FastifyRequest, origin: string, publicUrl: string): boolean {
  const given = originOf(origin);
  if (!given) return false;
  const configured = originOf(publicUrl);
  if (given === configured) return true;
  if (configured?.startsWith('https:') && !given.startsWith('https:')) return false;
  return given === originOf(`${request.protocol}://${request.host}`);
}
