// The bounce webhook (decision 0054): the mail provider posts `{ messageId, code }` for a message
// that bounced, with `Authorization: Bearer MAIL_BOUNCE_SECRET`. Without the setting the webhook
// is closed (401). A Message-ID we did not send is acknowledged and ignored, so a provider that
// serves several senders does not retry it forever.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { AppError, validationError } from '../platform/errors.ts';
import { BOUNCE_CODE, outboxIdOf, recordBounce } from './bounces.ts';

const body = {
  type: 'object',
  required: ['messageId', 'code'],
  additionalProperties: false,
  properties: { messageId: { type: 'string', minLength: 1, maxLength: 1000 }, code: { type: 'string', minLength: 1, maxLength: 20 } },
} as const;

const digest = (text: string) => createHash('sha256').update(text).digest();

export const commsRoutes: FastifyPluginAsync = async (app) => {
  const secret = app.config.mailBounceSecret;
  app.post<{ Body: { messageId: string; code: string } }>('/mail/bounces', { schema: { hide: true, body } }, async (request) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (secret === null) throw new AppError('UNAUTHENTICATED', 'The bounce webhook is closed: set MAIL_BOUNCE_SECRET.');
    if (!timingSafeEqual(digest(given), digest(secret))) throw new AppError('UNAUTHENTICATED', 'The bounce webhook needs Authorization: Bearer MAIL_BOUNCE_SECRET.');
    const code = request.body.code.trim();
    if (!BOUNCE_CODE.test(code)) throw validationError('body.code', 'must be an enhanced status code such as 5.1.1 or 4.2.2');
    const id = outboxIdOf(request.body.messageId);
    if (id === null) return { outcome: 'unknown-message', undeliverable: false };
    return recordBounce(app.db, id, code);
  });
};
