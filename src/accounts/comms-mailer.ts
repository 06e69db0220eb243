// Account mail goes through the comms outbox, in the caller's transaction, under the purpose
// 'account' (transactional mail about the person's own account).
import { queueMail, type SecretSealer } from '../comms/index.ts';
import type { AccountMailer } from './mail.ts';
import { accountTemplate } from './mail-templates.ts';

/** The mailer for a shop's kernel, which seals the links with one-time tokens in the outbox. */
export const commsMailerFor =
  (kernel: SecretSealer): AccountMailer =>
  async (db, mail) => {
    await queueMail(
      db,
      {
        subject: mail.subject,
        purpose: 'account',
        template: accountTemplate(mail.template),
        params: mail.params,
        addressRef: mail.addressRef,
        ...(mail.idempotencyKey ? { idempotencyKey: mail.idempotencyKey } : {}),
      },
      { kernel },
    );
  };
