// A page of the shop and the one way to send it: in its audience's layout, never stored by caches
// (pages behind a cookie show a person's own cart, account or orders).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { takeFlash } from './flash.ts';
import { type Audience, layout } from './layout.ts';
import type { SafeHtml } from './template.ts';

export interface Page {
  title: string;
  body: SafeHtml;
  audience: Audience;
  description?: string;
  /** A notice above the page; without it, a flash the previous redirect left (src/web/flash.ts) shows. */
  flash?: string;
}

export function sendPage(request: FastifyRequest, reply: FastifyReply, page: Page, status = 200): FastifyReply {
  const flash = page.flash ?? takeFlash(request, reply);
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      layout({
        shopName: request.server.config.shopName,
        title: page.title,
        body: page.body,
        audience: page.audience,
        path: request.url.split('?')[0],
        header: request.shopHeader ?? undefined,
        description: page.description,
        flash,
        brand: request.server.brandLook?.(),
        siteNotices: request.server.siteNotices?.(),
      }).value,
    );
}
