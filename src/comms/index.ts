// The public entry of comms (the outbox): queueing mail, its templates, the module.
// Any other file here is internal (decision 0032).
export { commsModule } from './module.ts';
export { type MailTemplate, type MailTemplates, mailTemplatesOf, type SecretSealer, type TemplateInput, queueMail } from './outbox.ts';
export { paragraphTemplate, param } from './paragraphs.ts';
export { linkify, mailLayout } from './layout.ts';
export type { MailKind } from './kinds.ts';
export { UNSUBSCRIBE_TOKEN_PATTERN, type UnsubscribeTarget, unsubscribeTarget } from './unsubscribe.ts';
export { outboxTally } from './outbox-rows.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { sealContext } from './outbox.ts';
export { SEND_ACTOR } from './recipient.ts';
export { sendQueuedMail } from './send.ts';
export { spoolDir } from './transport.ts';
