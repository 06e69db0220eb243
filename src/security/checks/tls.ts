// Check 3: TLS. With a certificate file configured (TLS_CERT_PATH) its expiry and key size; with an https PUBLIC_URL and no file, TLS
// ends at a proxy this process cannot see; with neither, the shop is served over plain HTTP.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { type Check, type Finding, isLocalUrl } from '../findings.ts';

const ID = 'tls';
const DAY = 86_400_000;
export const EXPIRY_WARNING_DAYS = 21;

export const tlsCheck: Check = {
  id: ID,
  title: 'TLS: served over HTTPS, certificate expiry and key size',
  async run({ config, now }) {
    const { tlsCertPath: certPath, tlsKeyPath: keyPath } = config;
    const https = new URL(config.publicUrl).protocol === 'https:';
    const out: Finding[] = [];
    if (certPath) {
      const cert = new X509Certificate(readFileSync(certPath));
      const left = Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / DAY);
      if (left < 0)
        out.push({
          check: ID,
          severity: 'high',
          title: 'The TLS certificate has expired',
          detail: `${certPath} expired on ${cert.validTo}.`,
          fix: 'Renew the certificate: the shop serves the new files within TLS_RELOAD_CHECK_SECONDS, or at once on SIGHUP.',
        });
      else if (left < EXPIRY_WARNING_DAYS)
        out.push({
          check: ID,
          severity: 'medium',
          title: 'The TLS certificate expires soon',
          detail: `${certPath} expires in ${left} days (${cert.validTo}).`,
          fix: 'Renew it now (or check that automatic renewal runs).',
        });
      const key = cert.publicKey;
      const bits = key.asymmetricKeyDetails?.modulusLength;
      if (key.asymmetricKeyType === 'rsa' && bits !== undefined && bits < 2048)
        out.push({
          check: ID,
          severity: 'high',
          title: 'The TLS certificate has a weak key',
          detail: `RSA ${bits} bits in ${certPath}.`,
          fix: 'Issue a certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key.',
        });
      if (keyPath && (statSync(keyPath).mode & 0o077) !== 0)
        out.push({
          check: ID,
          severity: 'high',
          title: 'The TLS private key file is readable by other users',
          detail: `${keyPath} has mode ${(statSync(keyPath).mode & 0o777).toString(8)}.`,
          fix: `chmod 600 ${keyPath}`,
        });
      return out;
    }
    if (https)
      return [
        {
          check: ID,
          severity: 'info',
          title: 'TLS ends before the shop (a proxy): its certificate is not visible here',
          detail: `PUBLIC_URL is ${config.publicUrl} and no certificate file is configured.`,
          fix: "Watch the proxy's certificate expiry there, or configure the certificate file for the shop to serve TLS itself.",
        },
      ];
    const local = isLocalUrl(config.publicUrl);
    return [
      {
        check: ID,
        severity: local ? 'info' : 'medium',
        title: 'Served over plain HTTP: put it behind TLS',
        detail: `PUBLIC_URL is ${config.publicUrl}${local ? ' (this machine only)' : ''}.`,
        fix: 'Serve the shop over HTTPS (a certificate for the shop, or a TLS proxy in front) and set PUBLIC_URL to its https:// address.',
      },
    ];
  },
};
