// The privacy officer's notices page and its two commands: record how a notice was passed on, or
// have the module that can (the payments module, for the processor) ask the recipient again.
import { emptyBody, textForm } from '../../web/form-handling.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { orderNumbers } from '../../commerce/orders/index.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { type Actor, deliveryChannels, type DeliveryChannel } from '../../privacy/index.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { sendPage } from '../../web/page.ts';
import { pageAt, pageQuery } from '../../web/pagination.ts';
import { holderContext, type RightsDeps } from '../deps.ts';
import { noticesPage } from './page.ts';

const NOTICES_PER_PAGE = 50;
const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

export async function noticeRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { accounts } = app;
  registerFlashes(app, { 'rights.notice-passed-on': 'Recorded as passed on.', 'rights.notice-asked-again': 'The recipient was asked again through its API and accepted.' });
  const dpo = async (request: FastifyRequest, reply: FastifyReply): Promise<Actor | null> => {
    const session = await accounts.staffPage(request, reply, { roles: ['dpo'] });
    return session ? session.actor : null;
  };
  const askable = () => new Set(deps.holders().flatMap((h) => (h.retell ? (h.recipients ?? []) : [])));
  const show = async (request: FastifyRequest, reply: FastifyReply, actor: Actor, notice?: string, status = 200, page = 1) => {
    // Paged in the kernel's query (limit/offset, with the count); a page past the end asks again for the last.
    const asked = (n: number) => deps.kernel.pendingNotices(app.db, { actor, limit: NOTICES_PER_PAGE, offset: (n - 1) * NOTICES_PER_PAGE });
    let found = await asked(page);
    const at = pageAt(found.total, page, NOTICES_PER_PAGE);
    if (at.page !== page) found = await asked(at.page);
    const notices = { items: found.items, page: at.page, pageCount: at.pageCount };
    const orders = await orderNumbers(
      app.db,
      notices.items.flatMap((n) => n.orders),
    );
    return sendPage(request, reply, noticesPage({ notices, orders, map: deps.kernel.map, askable: askable(), csrf: accounts.formToken(request, reply), ...(notice ? { notice } : {}) }), status);
  };

  app.get<{ Querystring: { page: number } }>('/staff/dpo/notices', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const actor = await dpo(request, reply);
    return actor ? show(request, reply, actor, undefined, 200, request.query.page) : reply;
  });

  app.post<{ Params: { id: string } }>('/staff/dpo/notices/:id', { schema: { hide: true, params, body: textForm({ channel: 20 }) } }, async (request, reply) => {
    const actor = await dpo(request, reply);
    if (!actor) return reply;
    const channel = String((request.body as Record<string, unknown> | undefined)?.channel ?? '');
    if (!(deliveryChannels as readonly string[]).includes(channel) || channel === 'api') throw validationError('channel', 'must be email, phone, post, portal or other');
    await app.db.transaction().execute((trx) => deps.kernel.recordNoticeDelivery(trx, { notice: request.params.id, channel: channel as DeliveryChannel, actor }));
    return redirectWithFlash(reply, '/staff/dpo/notices', 'rights.notice-passed-on');
  });

  app.post<{ Params: { id: string } }>('/staff/dpo/notices/:id/ask-again', { schema: { hide: true, params, body: emptyBody } }, async (request, reply) => {
    const actor = await dpo(request, reply);
    if (!actor) return reply;
    const [notice] = (await deps.kernel.pendingNotices(app.db, { actor, id: request.params.id })).items;
    if (!notice) throw new AppError('NOT_FOUND', 'There is no such notice waiting.');
    const holder = deps.holders().find((h) => h.retell && h.recipients?.includes(notice.recipient));
    if (!holder?.retell) throw validationError('notice', 'this recipient can only be told by you, by mail, phone or post');
    try {
      await app.db.transaction().execute(async (trx) => {
        if (!(await holder.retell!(holderContext(deps, trx, actor), notice))) throw validationError('notice', 'this recipient cannot be asked again through its API');
        await deps.kernel.recordNoticeDelivery(trx, { notice: notice.id, channel: 'api', actor });
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status < 500) throw err;
      return show(request, reply, actor, `Not done: ${err.message}`, err.status === 502 ? 502 : 503);
    }
    return redirectWithFlash(reply, '/staff/dpo/notices', 'rights.notice-asked-again');
  });
}
