// A page of the shop and the one way to send it: in the layout, never stored by caches (pages
// behind a cookie show a person's own cart, account or orders).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { layout } from './layout.ts';
import type { SafeHtml } from './template.ts';

export interface Page {
  title: string;
  body: SafeHtml;
}

export function sendPage(request: FastifyRequest, reply: FastifyReply, page: Page, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(layout({ shopName: request.server.config.shopName, title: page.title, body: page.body, brand: request.server.brandLook?.() }).value);
}
