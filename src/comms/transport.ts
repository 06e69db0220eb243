// Where finished mail goes: the SMTP server named by SMTP_URL, or (unset) one .eml file per
// message under DATA_DIR/mail, for development and for shops that hand mail to another system.
// Either way this is the only place an address leaves the privacy kernel: it is the mail itself.
// The spool folder is private to the shop's user (0700, files 0600).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../platform/config.ts';

// nodemailer (some 40 modules) is loaded when the first mail is sent, not at every start (decision
// 0069); the module loader keeps it once loaded.
const loadNodemailer = () => import('nodemailer');

export interface OutgoingMail {
  /** The outbox message id; the spool file is named after it, so a rerun overwrites, not duplicates. */
  outboxId: string;
  messageId: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
}

export interface Delivery {
  /** The Message-ID header the mail went out with. */
  messageId: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<Delivery>;
}

export function spoolDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'mail');
}

function message(config: Pick<Config, 'mailFrom'>, mail: OutgoingMail) {
  return {
    from: config.mailFrom.name ? { name: config.mailFrom.name, address: config.mailFrom.address } : config.mailFrom.address,
    to: mail.to.name ? mail.to : mail.to.address,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    messageId: mail.messageId,
    headers: mail.headers,
    // Never read attachments or alternatives from files or URLs named in a message.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export function smtpTransport(config: Pick<Config, 'mailFrom'> & { smtpUrl: string }): MailTransport {
  return {
    async send(mail) {
      // One connection per message: a small shop sends few, and nothing is held open between jobs.
      // A server that hangs costs one attempt, not the job's whole lease renewal budget.
      const { createTransport } = await loadNodemailer();
      const transporter = createTransport({ url: config.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
      try {
        await transporter.sendMail(message(config, mail));
        return { messageId: mail.messageId };
      } finally {
        transporter.close();
      }
    },
  };
}

export function spoolTransport(config: Pick<Config, 'mailFrom' | 'dataDir'>): MailTransport {
  let composer: ReturnType<typeof import('nodemailer').createTransport> | null = null;
  return {
    async send(mail) {
      composer ??= (await loadNodemailer()).createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      const info = await composer.sendMail(message(config, mail));
      const dir = spoolDir(config);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, `${mail.outboxId}.eml`);
      const partial = `${file}.partial`;
      writeFileSync(partial, info.message as Buffer, { mode: 0o600 });
      renameSync(partial, file);
      return { messageId: mail.messageId };
    },
  };
}

export function transportFor(config: Config): MailTransport {
  return config.smtpUrl ? smtpTransport({ ...config, smtpUrl: config.smtpUrl }) : spoolTransport(config);
}

/**
 * A failure worth retrying (the server said 4xx, or could not be reached, or refused our login)
 * or a permanent one: a 5xx answer to this message's sender, recipient or content, which the
 * same message would get again.
 */
export function isPermanentFailure(err: unknown): boolean {
  const e = err as { code?: unknown; permanent?: unknown; responseCode?: unknown };
  const aboutThisMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  const permanent = e.permanent === true || (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode !== 503);
  return aboutThisMessage && permanent;
}
