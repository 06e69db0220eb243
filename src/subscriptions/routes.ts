// The subscriptions routes: the signed-in customer's pages (list, one subscription, an invoice,
// cancel after asking, pay an open invoice on the processor's page and come back), and staff's
// list. One transaction per command; another customer's subscription answers as a missing one.
import type { FastifyPluginAsync } from 'fastify';
import { paymentsOfOrder } from '../commerce/payments/index.ts';
import { notFound } from '../platform/errors.ts';
import type { StaffRole } from '../privacy/index.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { emptyBody } from '../web/form-handling.ts';
import { sendPage } from '../web/page.ts';
import { cancelPage, invoicePage, mySubscriptionPage, mySubscriptionsPage, staffSubscriptionsPage } from './pages.ts';
import { cancelSubscription, invoicesOf, listSubscriptions, openInvoice, SUBSCRIPTIONS_ACTOR, subscriptionOf, subscriptionsOf } from './subscriptions.ts';
import { type SubscriptionStatus, subscriptionStatuses } from './tables.ts';

const STAFF_ROLES: readonly StaffRole[] = ['owner', 'support', 'accountant'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const invoiceParams = { type: 'object', required: ['id', 'invoiceId'], properties: { id: { type: 'string', format: 'uuid' }, invoiceId: { type: 'string', format: 'uuid' } } } as const;
const statusQuery = { type: 'object', properties: { status: { type: 'string', maxLength: 20 } } } as const;

export const subscriptionsRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  registerFlashes(app, {
    'subscriptions.cancelled': 'Your subscription is cancelled: nothing more will be charged.',
    'subscriptions.paid': 'Thank you: the invoice is paid and your subscription is active.',
    'subscriptions.not-paid': 'The payment was not completed. You can try again with another card.',
  });

  const mine = async (id: string, subject: string) => {
    const s = await subscriptionOf(app.db, id, subject);
    if (!s) throw notFound('Subscription');
    return s;
  };

  app.get('/account/subscriptions', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, mySubscriptionsPage(await subscriptionsOf(app.db, session.user.subject_id)));
  });

  app.get<{ Params: { id: string } }>('/account/subscriptions/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const s = await mine(request.params.id, session.user.subject_id);
    return sendPage(request, reply, mySubscriptionPage({ subscription: s, invoices: await invoicesOf(app.db, s.id), open: await openInvoice(app.db, s), csrf: accounts.formToken(request, reply) }));
  });

  app.get<{ Params: { id: string; invoiceId: string } }>('/account/subscriptions/:id/invoices/:invoiceId', { schema: { hide: true, params: invoiceParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const s = await mine(request.params.id, session.user.subject_id);
    const invoice = (await invoicesOf(app.db, s.id)).find((i) => i.id === request.params.invoiceId);
    if (!invoice) throw notFound('Invoice');
    return sendPage(request, reply, invoicePage({ subscription: s, invoice, shopName: app.config.shopName }));
  });

  app.get<{ Params: { id: string } }>('/account/subscriptions/:id/cancel', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const s = await mine(request.params.id, session.user.subject_id);
    if (s.status === 'cancelled' || s.cancel_at_period_end) return reply.redirect(`/account/subscriptions/${s.id}`, 303);
    return sendPage(request, reply, cancelPage(s, accounts.formToken(request, reply)));
  });

  app.post<{ Params: { id: string } }>('/account/subscriptions/:id/cancel', { schema: { hide: true, params: idParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    await mine(request.params.id, subject);
    await app.db.transaction().execute((trx) => cancelSubscription(app.wiring.listeners, trx, request.params.id, subject));
    return redirectWithFlash(reply, `/account/subscriptions/${request.params.id}`, 'subscriptions.cancelled');
  });

  // Pay the open invoice with another card: a payment on the processor's own page, as at checkout.
  app.post<{ Params: { id: string } }>('/account/subscriptions/:id/pay', { schema: { hide: true, params: idParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const s = await mine(request.params.id, session.user.subject_id);
    const invoice = await openInvoice(app.db, s);
    if (!invoice || !s.subject_id) return reply.redirect(`/account/subscriptions/${s.id}`, 303);
    const subject = s.subject_id;
    const url = await app.db.transaction().execute(async (trx) => {
      const earlier = await paymentsOfOrder(trx, invoice.id);
      const waiting = earlier.find((p) => p.status === 'open' && p.redirect_url !== '');
      if (waiting) return waiting.redirect_url;
      const started = await app.payments.startPayment(trx, {
        orderId: invoice.id,
        subject,
        amountMinor: invoice.amount_minor,
        currency: invoice.currency,
        instrument: 'card',
        idempotencyKey: `invoice:${invoice.id}:${earlier.length}`,
        actor: SUBSCRIPTIONS_ACTOR,
        description: `${app.config.shopName}, ${s.name}`,
        saveForLater: true,
        ref: `order:${s.order_id}`,
        purpose: 'billing',
        returnTo: `/account/subscriptions/${s.id}/paid`,
      });
      return started.redirectUrl;
    });
    return reply.redirect(url, 303);
  });

  // Back from the processor's page: ask it how the invoice's payments stand (never trust the redirect).
  app.get<{ Params: { id: string } }>(
    '/account/subscriptions/:id/paid',
    { schema: { hide: true, params: idParams, querystring: { type: 'object', properties: { cancelled: { type: 'string', maxLength: 5 } } } } },
    async (request, reply) => {
      const session = await accounts.customerPage(request, reply);
      if (!session) return reply;
      const s = await mine(request.params.id, session.user.subject_id);
      const invoice = await openInvoice(app.db, s);
      let paid = false;
      if (invoice) {
        for (const p of await paymentsOfOrder(app.db, invoice.id)) {
          if (p.status !== 'open') continue;
          const settled = await app.db.transaction().execute((trx) => app.payments.settlePayment(trx, p.id));
          paid ||= settled.status === 'succeeded';
        }
      }
      return redirectWithFlash(reply, `/account/subscriptions/${s.id}`, paid || !invoice ? 'subscriptions.paid' : 'subscriptions.not-paid');
    },
  );

  app.get<{ Querystring: { status?: string } }>('/staff/subscriptions', { schema: { hide: true, querystring: statusQuery } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: [...STAFF_ROLES] });
    if (!session) return reply;
    const wanted = request.query.status ?? '';
    const status = (subscriptionStatuses as readonly string[]).includes(wanted) ? (wanted as SubscriptionStatus) : null;
    return sendPage(request, reply, staffSubscriptionsPage({ subscriptions: await listSubscriptions(app.db, status), status }));
  });
};
