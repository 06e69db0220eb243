// Checkout's ports wired to the real modules: cart, pricing, stock, accounts, orders, payments.
import type { FastifyInstance } from 'fastify';
import { releaseStock, reserveStock } from '../catalogue/index.ts';
import { cartOfRequest, clearCart, CART_COOKIE } from '../cart/index.ts';
import { createOrder, getOrder, linesOf, ordersDeps, ordersOfCustomer, transitionOrder, type OrderStatus } from '../orders/index.ts';
import { priceLines, pricingRulesFrom } from '../pricing/index.ts';
import type { CheckoutPorts, PaymentsPort } from './ports.ts';
import { prefillFor } from './prefill.ts';
import { consentBoxes, consentFieldNames, recordCollectionConsents, tickedConsents } from '../../accounts/index.ts';
import { policyVersionAt } from '../../privacy/index.ts';

export function realPorts(app: FastifyInstance, payments: PaymentsPort = app.payments): CheckoutPorts {
  const orders = ordersDeps(app);
  const rules = pricingRulesFrom(app.config);
  return {
    cartOfRequest: (request) => cartOfRequest(request),
    hasCartCookie: (request) => request.cookies[CART_COOKIE] !== undefined,
    cartToken: (request) => request.cookies[CART_COOKIE] ?? null,
    clearCart,
    priceLines: (db, lines, options) => priceLines(db, lines, { ...options, rules }),
    reserveStock: (db, lines) => reserveStock(db, lines),
    releaseStock: (db, lines) => releaseStock(db, lines),
    customerForCheckout: (db, input) => app.accounts.customerForCheckout(db, input),
    consents: {
      fieldNames: consentFieldNames(app.privacy.map),
      boxes: (values) => consentBoxes(app.privacy.map, policyVersionAt(app.privacy.map, new Date())?.version ?? '', values),
      ticked: (body) => tickedConsents(app.privacy.map, body),
      record: (db, subject, purposes) => recordCollectionConsents(app.privacy, db, subject, purposes, 'checkout form'),
    },
    sourceOf: (ip) => app.accounts.sourceOf(ip),
    signedInCustomer: async (request) => {
      const session = await app.accounts.session(request);
      return session?.user.kind === 'customer' ? { subject: session.user.subject_id, userId: session.user.id, actor: session.actor } : null;
    },
    prefill: (db, customer) => prefillFor({ kernel: app.privacy, ordersOf: ordersOfCustomer }, db, customer),
    createOrder: (db, input) => createOrder(orders, db, input),
    transitionOrder: (db, input) => transitionOrder(orders, db, { ...input, to: input.to as OrderStatus }),
    getOrder: (db, id) => getOrder(db, id),
    orderLines: async (db, id) => (await linesOf(db, id)).map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
    startPayment: (db, input) => payments.startPayment(db, input),
    settlePayment: (db, paymentId) => payments.settlePayment(db, paymentId),
    cancelPayment: (db, paymentId) => payments.cancelPayment(db, paymentId),
    orderPlaced: async (db, event) => {
      for (const listener of app.wiring.listeners.orderPlaced ?? []) await listener(db, event);
    },
  };
}
