// The `comms.send` job: delivers one queued outbox message. It reads the recipient through the
// privacy kernel, renders the template, hands the mail to the transport and records the outcome:
//   sent        the transport accepted it (sent_at, Message-ID)
//   suppressed  nobody may be contacted: the kernel refused (its reason code), there is no
//               address, the kind of mail does not fit the purpose, or marketing to an address
//               that bounced hard too often (`undeliverable`); never retried
//   failed      a permanent transport error (5xx to this message), a template that throws, or
//               temporary errors until the last attempt
// A temporary transport error (4xx, server unreachable) puts the message back to queued and
// throws, so the job queue retries it with backoff. Just before the transport gets the mail the
// row becomes `sending` under a lease (decision 0054). A worker that dies after the server
// accepted the mail but before the row says `sent` leaves it `sending`: once the lease has run
// out, the job's rerun sends it again with the same Message-ID, so receiving systems can tell;
// while the lease holds, a rerun sends nothing (SEND_IN_PROGRESS) and is retried later.
import type { Config } from '../platform/config.ts';
import { jobErrorText, jobWiring, type JobContext, type JobPayload } from '../platform/jobs/index.ts';
import { jobKernel, SubjectErased } from '../privacy/index.ts';
import { kindRules, type Unsubscribe } from './kinds.ts';
import { SEND_MAX_ATTEMPTS, sealContext } from './outbox.ts';
import type { TemplateParams } from './tables.ts';
import { claimForSending, countAttempt, finishMessage, leaseHeld, loadMessage, recordTemporaryFailure, type OutboxMessage } from './outbox-rows.ts';
import { isUndeliverable } from './bounces.ts';
import { readRecipient } from './recipient.ts';
import type { RenderedMail } from './templates.ts';
import { isPermanentFailure, transportFor, type MailTransport, type OutgoingMail } from './transport.ts';
import { unsubscribeFor } from './unsubscribe.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How long a send holds its message: longer than the SMTP transport's timeouts together (30 s to
 * connect, 30 s for the greeting, 60 s of silence), so a slow send that is still alive is never
 * repeated beside itself.
 */
export const SEND_LEASE_SECONDS = 180;

export interface SendOptions {
  /** Default: SMTP when SMTP_URL is set, else the .eml spool. */
  transport?: MailTransport;
  /** Default SEND_LEASE_SECONDS; tests shorten it. */
  leaseSeconds?: number;
}

/** Another send holds this message's lease; the job is retried later. */
export class SendInProgress extends Error {
  constructor() {
    super('SEND_IN_PROGRESS: another send of this message holds its lease; retried once it runs out');
  }
}

function configOf(ctx: JobContext): Config {
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: this worker was started without the settings (pass services.config to the Worker)');
  return config;
}

export function messageIdFor(config: Pick<Config, 'mailFrom'>, outboxId: string): string {
  const domain = config.mailFrom.address.split('@')[1] ?? 'localhost';
  return `<${outboxId}@${domain}>`;
}

export async function sendQueuedMail(payload: JobPayload, ctx: JobContext, options: SendOptions = {}): Promise<void> {
  const id = payload.messageId;
  if (typeof id !== 'string' || !UUID.test(id)) throw new Error('BAD_PAYLOAD: comms.send needs { messageId }');
  const { db } = ctx;
  const log = ctx.log.child({ outboxId: id });
  const message = await loadMessage(db, id);
  if (!message) {
    log.warn('outbox message no longer exists; nothing to send');
    return;
  }
  if (message.status !== 'queued' && message.status !== 'sending') return; // a rerun of a job that already finished this message
  if (leaseHeld(message)) throw new SendInProgress();
  const config = configOf(ctx);
  const kernel = jobKernel(ctx);
  await countAttempt(db, id);

  const finish = async (outcome: Parameters<typeof finishMessage>[2]) => {
    await finishMessage(db, id, outcome);
    log.info({ template: message.template, status: outcome.status, ...(outcome.status === 'suppressed' ? { reason: outcome.reason } : {}) }, 'outbox message finished');
  };

  const template = jobWiring(ctx).mailTemplates.get(message.template);
  if (!template) return finish({ status: 'failed', errorText: `UNKNOWN_TEMPLATE: no module of this worker declares a mail template named ${message.template}` });
  const purpose = kernel.map.purposes.get(message.purpose);
  if (!purpose) return finish({ status: 'suppressed', reason: 'unknown-purpose' });
  if (kindRules[message.kind].purposeProblem(purpose)) return finish({ status: 'suppressed', reason: 'kind-not-for-purpose' });

  const recipient = await readRecipient(kernel, db, message);
  if (!recipient.ok) return finish({ status: 'suppressed', reason: recipient.reason });
  if (message.kind === 'marketing' && (await isUndeliverable(db, message.subject_id, message.address_ref))) return finish({ status: 'suppressed', reason: 'undeliverable' });

  let params = message.params;
  if (message.sealed_params) {
    try {
      const secrets = JSON.parse(await kernel.openSecret(db, { subject: message.subject_id, context: sealContext(message.id), sealed: Buffer.from(message.sealed_params) })) as TemplateParams;
      params = { ...params, ...secrets };
    } catch (err) {
      if (err instanceof SubjectErased) return finish({ status: 'suppressed', reason: 'erased' });
      return finish({ status: 'failed', errorText: `SEALED_PARAMS: ${jobErrorText(err)}` });
    }
  }

  let rendered: RenderedMail;
  try {
    rendered = template.render({ params, personal: recipient.personal, shop: { name: config.shopName, url: config.publicUrl } });
  } catch (err) {
    return finish({ status: 'failed', errorText: `TEMPLATE_FAILED: ${jobErrorText(err)}` });
  }

  const unsubscribe = message.kind === 'marketing' ? unsubscribeFor(kernel, config, message.id) : null;
  const mail = outgoing(config, message, recipient, rendered, unsubscribe);
  const transport = options.transport ?? transportFor(config);
  const claim = await claimForSending(db, id, options.leaseSeconds ?? SEND_LEASE_SECONDS);
  if (!claim) throw new SendInProgress();
  if (claim.interrupted) log.warn('an earlier send of this message was cut off; sending it again with the same Message-ID');
  try {
    const delivery = await transport.send(mail);
    return finish({ status: 'sent', transportMessageId: delivery.messageId });
  } catch (err) {
    const errorText = jobErrorText(err);
    if (isPermanentFailure(err) || ctx.attempt >= SEND_MAX_ATTEMPTS) return finish({ status: 'failed', errorText });
    await recordTemporaryFailure(db, id, errorText);
    throw err;
  }
}

function outgoing(config: Config, message: OutboxMessage, to: { address: string; name: string }, rendered: RenderedMail, unsubscribe: Unsubscribe | null): OutgoingMail {
  const rules = kindRules[message.kind];
  const footer = rules.footer(unsubscribe);
  // The kind's footer (a marketing mail's unsubscribe link) goes at the very bottom of each body.
  const html = rendered.html && footer.html ? withFooter(rendered.html.value, footer.html.value) : rendered.html?.value;
  return {
    outboxId: message.id,
    messageId: messageIdFor(config, message.id),
    to: { address: to.address, name: to.name },
    subject: rendered.subject.replace(/[\r\n]+/g, ' ').trim(),
    text: footer.text ? `${rendered.text.replace(/\s+$/, '')}${footer.text}` : rendered.text,
    ...(html !== undefined ? { html } : {}),
    headers: rules.headers(unsubscribe),
  };
}

function withFooter(document: string, footer: string): string {
  const at = document.toLowerCase().lastIndexOf('</body>');
  return at < 0
    ? `${document}${footer}`
    : `${document.slice(0, at)}<div style="max-width:600px;margin:0 auto;padding:0 12px 24px;font:13px/1.5 Arial,Helvetica,sans-serif">${footer}</div>${document.slice(at)}`;
}
