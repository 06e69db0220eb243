// A renewed certificate without a restart (decision 0062): certificates from Let's Encrypt last 90
// days and certbot replaces the files in place, so each app process looks at the two files every
// TLS_RELOAD_CHECK_SECONDS (a stat, nothing more) and at once on SIGHUP (certbot's deploy hook, or
// `systemctl reload`). A pair that does not load (a half-written file, a key of another
// certificate) is refused and the one in use stays: a bad renewal never takes the shop offline.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Logger } from '../platform/logger.ts';
import { TLS_MIN_VERSION } from './tls.ts';

/** The part of Node's TLS server that swaps the certificate for new connections. */
export interface SecureContextTarget {
  setSecureContext(options: { cert: Buffer; key: Buffer; minVersion: typeof TLS_MIN_VERSION }): void;
}

export type TlsReloadOutcome = { outcome: 'reloaded'; validTo: string } | { outcome: 'unchanged' } | { outcome: 'refused'; reason: string };

export interface CertificateWatch {
  /** Reads both files and serves them from the next connection on, if they load and differ. */
  reload(): TlsReloadOutcome;
  stop(): void;
}

const fileStamp = (path: string) => {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
};

const digest = (cert: Buffer, key: Buffer) => createHash('sha256').update(cert).update('\0').update(key).digest('hex');

export function watchCertificate(target: SecureContextTarget, files: { certPath: string; keyPath: string }, logger: Logger, checkSeconds: number): CertificateWatch {
  let served = digest(readFileSync(files.certPath), readFileSync(files.keyPath));
  let stamps = `${fileStamp(files.certPath)}|${fileStamp(files.keyPath)}`;

  const reload = (): TlsReloadOutcome => {
    stamps = `${fileStamp(files.certPath)}|${fileStamp(files.keyPath)}`;
    let cert: Buffer;
    let key: Buffer;
    let validTo: string;
    try {
      cert = readFileSync(files.certPath);
      key = readFileSync(files.keyPath);
      if (digest(cert, key) === served) return { outcome: 'unchanged' };
      validTo = new X509Certificate(cert).validTo;
      if (Date.parse(validTo) <= Date.now()) throw new Error(`the certificate expired on ${validTo}`);
      // Throws when the key is not the certificate's, or either is not PEM.
      createSecureContext({ cert, key });
    } catch (err) {
      const reason = (err as Error).message;
      logger.error({ certPath: files.certPath, reason }, 'TLS certificate not reloaded; the one in use stays');
      return { outcome: 'refused', reason };
    }
    target.setSecureContext({ cert, key, minVersion: TLS_MIN_VERSION });
    served = digest(cert, key);
    logger.info({ certPath: files.certPath, validTo }, 'TLS certificate reloaded');
    return { outcome: 'reloaded', validTo };
  };

  const timer =
    checkSeconds > 0
      ? setInterval(() => {
          if (`${fileStamp(files.certPath)}|${fileStamp(files.keyPath)}` !== stamps) reload();
        }, checkSeconds * 1000)
      : null;
  timer?.unref();
  return { reload, stop: () => timer && clearInterval(timer) };
}
