// Sends a page of the cart in the layout; cart and account pages are never stored by caches.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { layout } from '../../web/layout.ts';
import type { Page } from './pages/cart.ts';

export function sendPage(request: FastifyRequest, reply: FastifyReply, page: Page, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(layout({ shopName: request.server.config.shopName, title: page.title, body: page.body }).value);
}
