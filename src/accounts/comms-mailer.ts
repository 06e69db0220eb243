// Account mail goes through the comms outbox, in the caller's transaction, under the purpose
// 'account' (transactional mail about the person's own account).
import { queueMail } from '../comms/outbox.ts';
import type { AccountMailer } from './mail.ts';
import './mail-templates.ts';

export const commsMailer: AccountMailer = async (db, mail) => {
  await queueMail(db, { subject: mail.subject, purpose: 'account', template: mail.template, params: mail.params, addressRef: mail.addressRef, ...(mail.idempotencyKey ? { idempotencyKey: mail.idempotencyKey } : {}) });
};
