// HTTPS (P000-13, P003-20, decision 0062): with TLS_CERT_PATH and TLS_KEY_PATH the shop itself
// serves TLS 1.2 or newer; HTTP_REDIRECT_PORT adds a plain-HTTP listener whose only answer is a
// 308 to the same host and path over https://. Strict-Transport-Security is sent only when the
// browser reaches the shop over HTTPS: served here, or PUBLIC_URL https:// (a reverse proxy ends TLS).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecureVersion } from 'node:tls';
import type { Config } from '../platform/config.ts';

export const TLS_MIN_VERSION: SecureVersion = 'TLSv1.2';
/** A year, and every subdomain: once a browser saw it, it will not use plain HTTP for the site for a year. */
export const HSTS = { maxAge: 31_536_000, includeSubDomains: true } as const;

/** Fastify's `https` option when the shop serves TLS itself, else null. */
export function httpsOptions(config: Pick<Config, 'tlsCertPath' | 'tlsKeyPath'>): { cert: Buffer; key: Buffer; minVersion: SecureVersion } | null {
  if (config.tlsCertPath === null || config.tlsKeyPath === null) return null;
  return { cert: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath), minVersion: TLS_MIN_VERSION };
}

/** Whether browsers reach this shop over HTTPS: it serves TLS, or its public address is https://. */
export function reachedOverHttps(config: Pick<Config, 'tlsCertPath' | 'publicUrl'>): boolean {
  return config.tlsCertPath !== null || config.publicUrl.startsWith('https:');
}

const HOST_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Where a plain-HTTP request is sent: https:// on the same host name (from Host, else PUBLIC_URL's)
 * at the port the shop's HTTPS listens on, with the same path and query.
 */
export function httpsLocation(hostHeader: string | undefined, path: string, httpsPort: number, publicUrl: string): string {
  const given = (hostHeader ?? '').replace(/:\d+$/, '');
  const host = HOST_NAME.test(given) ? given : new URL(publicUrl).hostname;
  const target = path.startsWith('/') && !path.startsWith('//') ? path : '/';
  return `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${target}`;
}

export interface HttpRedirect {
  port: number;
  close(): Promise<void>;
}

/** Where certbot's webroot mode leaves the HTTP-01 challenges: `certbot certonly --webroot -w <this>`. */
export const acmeWebroot = (dataDir: string): string => join(dataDir, 'acme');

const ACME_CHALLENGE = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{1,256})$/;

/**
 * The answer to a Let's Encrypt HTTP-01 challenge, from the file certbot wrote under the webroot,
 * or null when the request is not one or no such file is there. Only a token's own file, by name:
 * nothing else of the folder or the disk is reachable.
 */
async function acmeChallenge(dataDir: string, path: string): Promise<Buffer | null> {
  const token = ACME_CHALLENGE.exec(path)?.[1];
  if (!token) return null;
  try {
    const body = await readFile(join(acmeWebroot(dataDir), '.well-known', 'acme-challenge', token));
    return body.length <= 4096 ? body : null;
  } catch {
    return null;
  }
}

/**
 * The plain-HTTP listener of HTTP_REDIRECT_PORT: every request, any method, gets 308 to https://
 * and nothing else, but a GET of a certificate challenge certbot left in the webroot (so a
 * renewal works while the shop holds port 80; the shop then serves the new certificate,
 * tls-reload.ts).
 */
export async function startHttpRedirect(config: Pick<Config, 'host' | 'httpRedirectPort' | 'publicUrl' | 'dataDir'>, httpsPort: number): Promise<HttpRedirect> {
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    const redirect = () => {
      response.writeHead(308, { location: httpsLocation(request.headers.host, path, httpsPort, config.publicUrl), 'content-length': '0', connection: 'close' });
      response.end();
    };
    if (request.method !== 'GET' || !path.startsWith('/.well-known/acme-challenge/')) return redirect();
    void acmeChallenge(config.dataDir, path).then((body) => {
      if (body === null) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '0', connection: 'close' });
        return response.end();
      }
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store', connection: 'close' });
      response.end(body);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(config.httpRedirectPort ?? 0, config.host, () => done());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
