// A throw-away self-signed certificate for localhost and 127.0.0.1 (a day long), made with the
// system's openssl, for tests and the security scan that serve the shop over HTTPS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';

export function selfSignedCertificate(dir = mkdtempSync(join(tmpdir(), 'custodian-tls-'))): { dir: string; cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const subject = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', ...subject, '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { dir, cert, key };
}
