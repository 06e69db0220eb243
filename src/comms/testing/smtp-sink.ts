// Test harness: a real SMTP server (smtp-server) on 127.0.0.1 and a free port that keeps every
// message it accepts. Point SMTP_URL at `sink.url`. `rejectNext` makes it answer the next
// recipients with an SMTP error (4xx: try later; 5xx: permanent) to test retries. `onMessage`
// runs once a message is whole and before the server answers 250 (a crash test kills the sender there).
// A client that resets its connection is recorded in `connectionErrors`, not thrown.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { parseMail, type ParsedMail } from './parse-mail.ts';

export interface ReceivedMail extends ParsedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  raw: string;
}

export interface SmtpSink {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Recipients refused so far (RCPT TO answered with an error), in order. */
  refused: string[];
  /** Errors of client connections (a sender killed mid-conversation resets its connection). */
  connectionErrors: Error[];
  /** The next `count` RCPT TO commands are answered with `code` (e.g. 451, or 550). */
  rejectNext(count: number, code?: number): void;
  /** Resolves with the first received message that satisfies `match` (default: any), waiting up to `timeoutMs`. */
  waitForMail(match?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Called with each message once it is whole and recorded, before the 250; the answer waits for it. */
  onMessage?: (mail: ReceivedMail) => void | Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const refused: string[] = [];
  const connectionErrors: Error[] = [];
  const waiters = new Set<() => void>();
  let rejections: { count: number; code: number } = { count: 0, code: 451 };

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: 10 * 1024 * 1024,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onRcptTo(address, _session, callback) {
      if (rejections.count > 0) {
        rejections.count--;
        refused.push(address.address);
        const err = new Error(rejections.code < 500 ? 'Try again later' : 'No such mailbox') as Error & { responseCode: number };
        err.responseCode = rejections.code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        const mail = { ...parseMail(raw), from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw };
        received.push(mail);
        for (const wake of waiters) wake();
        void Promise.resolve(options.onMessage?.(mail)).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // smtp-server re-emits every connection's error on the server: without a listener, the second
  // client that vanishes mid-conversation (a killed sender) would crash the test process.
  server.on('error', (err: Error) => connectionErrors.push(err));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refused,
    connectionErrors,
    rejectNext(count, code = 451) {
      rejections = { count, code };
    },
    waitForMail(match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`No matching mail reached the SMTP sink within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
