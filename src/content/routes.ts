// Public routes of the shop's pages, and the owner's console to edit them. Every change is one
// transaction: the page and the record of who changed it and when.
import type { FastifyPluginAsync } from 'fastify';
import { actorTag } from '../privacy/index.ts';
import { notFound } from '../platform/errors.ts';
import { handleForm, textForm } from '../web/form-handling.ts';
import { sendPage } from '../web/page.ts';
import { PAGE_SLUGS } from './first-texts.ts';
import { publicPage, staffEditPage, staffListPage } from './pages.ts';
import { changePage, changesOf, checkEdit, getPage, listPages } from './pages-store.ts';

const slugParams = {
  type: 'object',
  required: ['slug'],
  properties: { slug: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' } },
} as const;
const savedQuery = { type: 'object', properties: { saved: { type: 'integer', enum: [1] } } } as const;
const OWNERS = ['owner'] as const;

export const contentRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const shipping = {
    currency: config.currency,
    flatMinor: config.shippingFlatMinor,
    perItemMinor: config.shippingPerItemMinor,
    freeFromMinor: config.shippingFreeFromMinor,
  };

  for (const slug of PAGE_SLUGS) {
    app.get(`/${slug}`, { schema: { hide: true } }, async (request, reply) => {
      const page = await getPage(app.db, slug);
      if (!page) throw notFound('This page');
      return sendPage(request, reply, publicPage(page, slug === 'shipping' ? shipping : undefined));
    });
  }

  app.get('/staff/pages', { schema: { hide: true } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    return sendPage(request, reply, staffListPage(await listPages(app.db), actorTag(session.actor)));
  });

  const pageOf = async (slug: string) => {
    const page = await getPage(app.db, slug);
    if (!page) throw notFound('This page');
    return page;
  };

  app.get<{ Params: { slug: string }; Querystring: { saved?: number } }>('/staff/pages/:slug', { schema: { hide: true, params: slugParams, querystring: savedQuery } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    const page = await pageOf(request.params.slug);
    const state = { csrf: app.accounts.formToken(request, reply), values: { title: page.title, text: page.body } };
    const changes = await changesOf(app.db, page.slug);
    return sendPage(request, reply, staffEditPage({ page, changes, myTag: actorTag(session.actor), state, saved: request.query.saved === 1 }));
  });

  app.post<{ Params: { slug: string }; Body: { title?: string; text?: string } }>(
    '/staff/pages/:slug',
    { schema: { hide: true, params: slugParams, body: textForm({ title: 200, text: 20000 }) }, attachValidation: true },
    async (request, reply) => {
      const session = await app.accounts.staffPage(request, reply, { roles: OWNERS });
      if (!session) return reply;
      const page = await pageOf(request.params.slug);
      const myTag = actorTag(session.actor);
      return handleForm(
        request,
        reply,
        (extra) => ({ csrf: app.accounts.formToken(request, reply), ...extra }),
        ['title', 'text'],
        (state) => staffEditPage({ page, changes: [], myTag, state: { ...state, values: { title: String(request.body?.title ?? ''), text: String(request.body?.text ?? '') } } }),
        async () => {
          const edit = checkEdit({ title: request.body?.title, body: request.body?.text });
          await app.db.transaction().execute((trx) => changePage(trx, page.slug, edit, { tag: myTag, role: session.user.role }, new Date()));
          return reply.code(303).header('cache-control', 'no-store').redirect(`/staff/pages/${page.slug}?saved=1`);
        },
      );
    },
  );
};
