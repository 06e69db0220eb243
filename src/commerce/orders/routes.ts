// The orders module's routes, one encapsulated plugin: the buyer's pages, the staff console pages
// and the staff JSON API. Each command is one transaction, opened here.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, notFound, validationError } from '../../platform/errors.ts';
import { type Actor, CONTACT_PREFERENCE, type ContactChannel, contactChannelOf, type DisclosureRecord, isPrivacyRefusal, type StaffRole, SubjectErased } from '../../privacy/index.ts';
import { ordersDeps } from './deps.ts';
import { recommendationsFor } from './recommendations.ts';
import { getOrderByNumber, historyOf, linesOf, listOrders, type OrderFilter, ordersOfCustomer, paymentMethodsUsed } from './orders.ts';
import { buyerNames, filterOf, type ListQuery, listPageQuery, mayReadBuyerNames, pageOfOrders } from './staff-list.ts';
import { myOrderPage, myOrdersPage } from './pages/customer.ts';
import { myRecipientsPage, officerRecipientsPage, type OrderRecipients } from './pages/recipients.ts';
import { getVendorById } from '../catalogue/index.ts';
import { staffOrderPage, staffOrdersPage } from './pages/staff.ts';
import { readOrderPersonal, staffOrderPurpose, type OrderPersonal } from './reads.ts';
import { errorResponses, listQuery, listResponse, myOrdersResponse, numberParams, orderResponse, personalQuery, personalResponse, transitionBody, transitionForm } from './schemas.ts';
import { isOrderStatus, isPaid, nextStatuses, type OrderStatus } from './states.ts';
import type { Order } from './tables.ts';
import { checkStep, type RefundUnit, transitionOrder, type TransitionRequest } from './transitions.ts';
import { orderSections } from './sections.ts';
import { toAppError } from '../../web/error-handler.ts';
import { validationProblem } from '../../web/form-handling.ts';
import { confirmDialog, isConfirmed } from '../../web/confirm.ts';
import { majorAmount, majorUnits, parseMajor } from '../../web/money.ts';
import { sendPage } from '../../web/page.ts';
import { pageOf, pageQuery } from '../../web/pagination.ts';

const ORDERS_PER_PAGE = 20;

// On the pages an order number that is not one is simply not found.
const pageNumberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', maxLength: 40 } } } as const;

/** Staff roles that work with orders (support moves them along but sees no delivery details). */
export const ORDER_ROLES = new Set(['owner', 'fulfilment', 'support']);

/** Delivery details, or null when the kernel will not give them to this actor (or the buyer was erased). */
async function personalOrNull(app: FastifyInstance, order: Order, actor: Actor): Promise<OrderPersonal | null> {
  try {
    const purpose = actor.kind === 'staff' ? staffOrderPurpose(app.privacy, actor.role) : 'fulfillment';
    return await readOrderPersonal(app.privacy, app.db, order, actor, purpose);
  } catch (err) {
    if (isPrivacyRefusal(err) || err instanceof SubjectErased) return null;
    throw err;
  }
}

/** How the buyer wants to be answered (P004-14), for a role that answers customers; null for other roles and erased buyers. */
async function buyerPrefers(app: FastifyInstance, order: Order, actor: Actor): Promise<ContactChannel | null> {
  const role = actor.kind === 'staff' ? app.privacy.map.roles.get(actor.role) : undefined;
  if (!order.customer_subject || !role?.purposes.has(CONTACT_PREFERENCE.purpose) || !role.categories.has(CONTACT_PREFERENCE.category)) return null;
  try {
    const record = await app.privacy.read(app.db, {
      subject: order.customer_subject,
      actor,
      purpose: CONTACT_PREFERENCE.purpose,
      categories: [CONTACT_PREFERENCE.category],
    });
    return contactChannelOf(record) ?? 'email';
  } catch (err) {
    if (isPrivacyRefusal(err) || err instanceof SubjectErased) return null;
    throw err;
  }
}

interface StepBody {
  to?: string;
  reason?: string;
  carrier?: string;
  tracking?: string;
  amount_minor?: number | string;
  /** The console's refund amount, in the currency's major units ("12.50"). */
  amount?: string;
  confirm?: string;
  /** The API's units given back with a refund. */
  units?: { line: number; quantity: number }[];
  /** The console's units given back with a refund, one field per line: `units.<position>`. */
  [unitsField: `units.${number}`]: string | undefined;
}

/** The console's `units.<position>` fields as units given back (0 or blank: none of that line). */
function consoleUnits(body: StepBody): RefundUnit[] {
  const units: RefundUnit[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith('units.') || typeof value !== 'string') continue;
    const typed = value.trim();
    if (typed === '' || typed === '0') continue;
    if (!/^[0-9]{1,7}$/.test(typed)) throw validationError(name, 'must be a whole number of units');
    units.push({ line: Number(name.slice('units.'.length)), quantity: Number(typed) });
  }
  return units.sort((a, b) => a.line - b.line);
}

function stepRequest(order: Order, body: StepBody, actor: Actor): TransitionRequest {
  const to = String(body.to ?? '');
  if (!isOrderStatus(to)) throw new AppError('VALIDATION_FAILED', 'to: is not an order status', [{ field: 'to', message: 'is not an order status' }]);
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const request: TransitionRequest = { orderId: order.id, to, actor };
  const reason = blank(body.reason);
  if (reason !== undefined) request.reason = reason;
  if (to === 'shipped') {
    request.carrier = body.carrier ?? '';
    request.tracking = body.tracking ?? '';
  }
  const amount = typeof body.amount_minor === 'string' ? blank(body.amount_minor) : body.amount_minor;
  if (amount !== undefined && (to === 'refunded' || to === 'cancelled')) {
    const n = Number(amount);
    if (!Number.isSafeInteger(n)) throw new AppError('VALIDATION_FAILED', 'amount_minor: must be a whole number', [{ field: 'amount_minor', message: 'must be a whole number of minor units' }]);
    request.amountMinor = n;
  }
  if (Array.isArray(body.units) && body.units.length > 0) request.units = body.units;
  return request;
}

const apiOrder = (order: Order, lines: Awaited<ReturnType<typeof linesOf>>, history: Awaited<ReturnType<typeof historyOf>>) => ({
  ...order,
  lines,
  history: history.map((h) => ({ from: h.from_status, to: h.to_status, at: h.at, actor: h.actor_ref, reason: h.reason, amount_minor: h.amount_minor })),
  next: nextStatuses(order.status, order.fulfilment, order.held_from),
});

export const ordersRoutes: FastifyPluginAsync = async (app) => {
  const deps = ordersDeps(app);
  const { accounts } = app;

  /** The ledger's entries for the order, read as `actor` (audited by the kernel), and the names of the vendors among them. */
  const vendorNames = async (disclosures: readonly DisclosureRecord[]): Promise<Map<string, string>> => {
    const refNames = new Map<string, string>();
    for (const d of disclosures) {
      if (d.recipientKind !== 'vendor' || refNames.has(d.recipientRef) || !/^[0-9a-f-]{36}$/i.test(d.recipientRef)) continue;
      const vendor = await getVendorById(app.db, d.recipientRef);
      if (vendor) refNames.set(d.recipientRef, vendor.name);
    }
    return refNames;
  };
  const recipientsOf = async (order: Order, subject: string, actor: Actor, purpose: string): Promise<OrderRecipients> => {
    const disclosures = await app.privacy.disclosuresOf(app.db, { subject, order: order.id, actor, purpose });
    return { disclosures, refNames: await vendorNames(disclosures) };
  };

  // ---- The buyer's pages (P002-07, P000-10): the signed-in owner only.
  app.get<{ Querystring: { page: number } }>('/account/orders', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const recommended = await recommendationsFor(app.privacy, app.db, subject);
    return sendPage(request, reply, myOrdersPage(pageOf(await ordersOfCustomer(app.db, subject), request.query.page, ORDERS_PER_PAGE), recommended));
  });

  app.get('/api/account/orders', { schema: { tags: ['account'], summary: "The signed-in customer's own orders, newest first", response: { 200: myOrdersResponse } } }, async (request) => {
    const session = await accounts.requireSession(request, 'customer');
    return { items: await ordersOfCustomer(app.db, session.user.subject_id) };
  });

  app.get<{ Params: { number: string } }>('/account/orders/:number', { schema: { hide: true, params: pageNumberParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const order = await getOrderByNumber(app.db, request.params.number);
    // Another customer's order answers exactly like one that does not exist.
    if (!order || order.customer_subject !== subject) throw notFound('Order');
    const [lines, history] = [await linesOf(app.db, order.id), await historyOf(app.db, order.id)];
    const personal = await personalOrNull(app, order, session.actor);
    const recipients = await recipientsOf(order, subject, session.actor, 'order-status');
    const sections = await orderSections(app.wiring.listeners, app.db, order, { reader: 'buyer', kernel: app.privacy, config: app.config });
    return sendPage(request, reply, myOrderPage({ map: app.privacy.map, order, lines, history, personal, recipients, sections }));
  });

  // "Who received my data" for one order, printable (P002-04): the ledger's entries for the order.
  app.get<{ Params: { number: string } }>('/account/orders/:number/recipients', { schema: { hide: true, params: pageNumberParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const order = await getOrderByNumber(app.db, request.params.number);
    if (!order || order.customer_subject !== subject) throw notFound('Order');
    const recipients = await recipientsOf(order, subject, session.actor, 'order-status');
    return sendPage(request, reply, myRecipientsPage(app.privacy.map, order, recipients, deps.now()));
  });

  // The privacy officer's printable report for any order, found by its number (P002-04). The
  // ledger is read as the officer under data-rights, so the kernel audits the read.
  app.get<{ Querystring: { order?: string } }>(
    '/staff/dpo/recipients',
    { schema: { hide: true, querystring: { type: 'object', properties: { order: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: ['dpo'] });
      if (!session) return reply;
      const query = (request.query.order ?? '').trim();
      const generatedAt = deps.now();
      if (query === '') return sendPage(request, reply, officerRecipientsPage(app.privacy.map, { query, found: null, generatedAt }));
      const order = await getOrderByNumber(app.db, query);
      if (!order) return sendPage(request, reply, officerRecipientsPage(app.privacy.map, { query, found: null, error: 'order: no order has this number', generatedAt }), 404);
      // Read by the order, so an erased buyer's rows (evidence, no personal value) still report (0049).
      const disclosures = await app.privacy.orderDisclosures(app.db, { order: order.id, actor: session.actor, purpose: 'data-rights' });
      const recipients = { disclosures, refNames: await vendorNames(disclosures) };
      const erased = order.customer_subject === null || disclosures.some((d) => d.subjectErased);
      return sendPage(request, reply, officerRecipientsPage(app.privacy.map, { query, found: { order, recipients, erased }, generatedAt }));
    },
  );

  // ---- Staff console pages.
  // The accounts gate: signed in at a browser, past the second factor, a current password, a role
  // that works with orders; it also gives the console's navigation the role.
  const staffOf = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await accounts.staffPage(request, reply, { roles: [...ORDER_ROLES] as StaffRole[] });
    return session ? { session, actor: session.actor } : null;
  };

  const staffOrderView = async (request: FastifyRequest, reply: FastifyReply, order: Order, actor: Actor, extra: { error?: string; notice?: string } = {}, status = 200) => {
    const [lines, history] = [await linesOf(app.db, order.id), await historyOf(app.db, order.id)];
    const personal = await personalOrNull(app, order, actor);
    const next = nextStatuses(order.status, order.fulfilment, order.held_from);
    const staffIds = history.flatMap((h) => (h.actor_ref.startsWith('staff:') ? [h.actor_ref.slice('staff:'.length)] : []));
    const byId = await accounts.staffLabels(app.db, staffIds, actor);
    const actorLabels = new Map([...byId].map(([id, label]) => [`staff:${id}`, label]));
    const sections = await orderSections(app.wiring.listeners, app.db, order, { reader: 'staff', kernel: app.privacy, config: app.config });
    const prefers = await buyerPrefers(app, order, actor);
    return sendPage(request, reply, staffOrderPage({ order, lines, history, personal, next, actorLabels, csrf: accounts.formToken(request, reply), sections, prefers, ...extra }), status);
  };

  app.get<{ Querystring: ListQuery }>('/staff/orders', { schema: { hide: true, querystring: listPageQuery } }, async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!staff) return reply;
    const actor = staff.actor as Actor & { kind: 'staff' };
    const query = request.query;
    const paymentMethods = await paymentMethodsUsed(app.db);
    const view = async (filter: OrderFilter, error?: { field: string; message: string }) => {
      const found = error ? { items: [], total: 0, page: 1, pageCount: 1 } : await pageOfOrders(app.db, filter, query.page ?? 1);
      const names = mayReadBuyerNames(app.privacy, actor.role) ? await buyerNames(app.privacy, app.db, found.items, actor) : null;
      return staffOrdersPage({ orders: found.items, total: found.total, page: found.page, pageCount: found.pageCount, query, paymentMethods, names, ...(error ? { error } : {}) });
    };
    try {
      const filter = await filterOf(app.privacy, app.db, query, actor);
      return sendPage(request, reply, await view(filter));
    } catch (err) {
      // A search the kernel refuses (already audited there) or a field that is not one: said on the page.
      if (isPrivacyRefusal(err)) return sendPage(request, reply, await view({}, { field: 'q', message: `q: ${err.message}` }), 403);
      if (isAppError(err) && err.code === 'VALIDATION_FAILED' && err.fields[0]) {
        const f = err.fields[0];
        return sendPage(request, reply, await view({}, { field: f.field, message: `${f.field === 'q' ? 'Search' : f.field}: ${f.message}` }), 400);
      }
      throw err;
    }
  });

  app.get<{ Params: { number: string }; Querystring: { done?: string } }>('/staff/orders/:number', { schema: { hide: true, params: pageNumberParams } }, async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!staff) return reply;
    const order = await getOrderByNumber(app.db, request.params.number);
    if (!order) throw notFound('Order');
    const done = request.query.done;
    return staffOrderView(request, reply, order, staff.actor, done && isOrderStatus(done) ? { notice: `The order is now ${done.replace('_', ' ')}; the buyer is mailed.` } : {});
  });

  app.post<{ Params: { number: string }; Body: StepBody }>(
    '/staff/orders/:number/transition',
    { schema: { hide: true, params: pageNumberParams, body: transitionForm }, attachValidation: true },
    async (request, reply) => {
      const staff = await staffOf(request, reply);
      if (!staff) return reply;
      const order = await getOrderByNumber(app.db, request.params.number);
      if (!order) throw notFound('Order');
      try {
        const problem = validationProblem(request);
        if (problem) throw toAppError(problem as Parameters<typeof toAppError>[0]) ?? problem;
        const body = request.body ?? {};
        const step = stepRequest(order, body, staff.actor);
        if (step.to === 'refunded') {
          const open = order.total_minor - order.refunded_minor;
          const typed = (body.amount ?? '').trim();
          step.amountMinor = typed === '' ? open : parseMajor('amount', typed, order.currency);
          if (step.amountMinor <= 0 || step.amountMinor > open) throw validationError('amount', `must be more than 0 and at most ${majorUnits(open, order.currency)}`);
          const units = consoleUnits(body);
          if (units.length > 0) step.units = units;
          if (!isConfirmed(body)) {
            // The refund is stated in the currency before any money moves (decision 0035's confirm step).
            const amount = majorUnits(step.amountMinor, order.currency);
            const lines = new Map((await linesOf(app.db, order.id)).map((l) => [l.position, l.name]));
            const whole = step.amountMinor >= open && order.refunded_minor + step.amountMinor >= order.total_minor;
            const named = units.map((u) => `${u.quantity} × ${lines.get(u.line) ?? `line ${u.line}`}`).join(', ');
            const taken = whole
              ? ' Every unit is taken back: its licence keys and downloads stop working.'
              : units.length > 0
                ? ` Units given back: ${named}; their licence keys and downloads stop working.`
                : ' No unit is named as given back: the buyer keeps every licence key and download.';
            return sendPage(
              request,
              reply,
              confirmDialog({
                audience: 'staff',
                title: `Refund ${amount} on order ${order.number}?`,
                consequence: `${amount} goes back to the buyer through the payment processor, and the order becomes refunded: it cannot change any more, and the buyer is mailed.${taken} This cannot be undone.`,
                action: `/staff/orders/${order.number}/transition`,
                csrf: accounts.formToken(request, reply),
                fields: {
                  to: 'refunded',
                  reason: body.reason ?? '',
                  amount: majorAmount(step.amountMinor, order.currency),
                  ...Object.fromEntries(units.map((u) => [`units.${u.line}`, String(u.quantity)])),
                },
                confirmLabel: `Refund ${amount}`,
                cancelHref: `/staff/orders/${order.number}`,
                cancelLabel: 'Keep the order as it is',
                danger: true,
              }),
            );
          }
        }
        if (step.to === 'cancelled') {
          // Cancelling is final and, once paid, gives the rest of the money back: it is stated
          // (with the amount) before anything happens, like a refund. The confirmed amount is posted
          // again; if it no longer matches what is open (a refund in between), the page asks again.
          const open = isPaid(order) ? order.total_minor - order.refunded_minor : 0;
          const confirmedAmount = (body.amount ?? '').trim();
          const stale = confirmedAmount !== '' && confirmedAmount !== majorAmount(open, order.currency);
          if (!isConfirmed(body) || stale) {
            checkStep(order, step);
            const amount = majorUnits(open, order.currency);
            return sendPage(
              request,
              reply,
              confirmDialog({
                audience: 'staff',
                title: `Cancel order ${order.number}${open > 0 ? ` and refund ${amount}` : ''}?`,
                consequence:
                  open > 0
                    ? `The order is cancelled and ${amount} goes back to the buyer through the payment processor; it cannot change any more, and the buyer is mailed. This cannot be undone.`
                    : `The order is cancelled (nothing was paid, so nothing is refunded); it cannot change any more, and the buyer is mailed. This cannot be undone.`,
                action: `/staff/orders/${order.number}/transition`,
                csrf: accounts.formToken(request, reply),
                fields: { to: 'cancelled', reason: body.reason ?? '', amount: majorAmount(open, order.currency) },
                confirmLabel: open > 0 ? `Cancel and refund ${amount}` : 'Cancel the order',
                cancelHref: `/staff/orders/${order.number}`,
                cancelLabel: 'Keep the order as it is',
                danger: true,
              }),
            );
          }
        }
        await app.db.transaction().execute((trx) => transitionOrder(deps, trx, step));
      } catch (err) {
        if (!isAppError(err) || err.status >= 500) throw err;
        return staffOrderView(request, reply, (await getOrderByNumber(app.db, order.number)) ?? order, staff.actor, { error: err.message }, err.status);
      }
      return reply.redirect(`/staff/orders/${order.number}?done=${String(request.body?.to)}`, 303);
    },
  );

  // ---- Staff JSON API: a signed-in staff session or a staff member's personal API token; either
  // way the kernel actor is that person in their (or the token's) role. The shop's shared token
  // reaches only the catalogue (decision 0026).
  const apiActor = async (request: FastifyRequest): Promise<Actor> => {
    const session = await accounts.requireSession(request, 'staff');
    if (!ORDER_ROLES.has(session.user.role ?? '')) throw new AppError('FORBIDDEN', 'Your role does not work with orders.');
    return session.actor;
  };
  const route = (summary: string, schema: Record<string, unknown> & { response: Record<string, unknown> }) => ({
    schema: { tags: ['staff: orders'], summary, security: [{ staffToken: [] }], ...schema, response: { ...schema.response, ...errorResponses } },
  });
  const orderOf = async (number: string) =>
    (await getOrderByNumber(app.db, number)) ?? Promise.reject(new AppError('NOT_FOUND', 'params.number: no order has this number', [{ field: 'params.number', message: 'no order has this number' }]));

  app.get<{ Querystring: { status?: OrderStatus; page: number; per_page: number } }>(
    '/api/staff/orders',
    route('List orders, newest first', { querystring: listQuery, response: { 200: listResponse } }),
    async (request) => {
      await apiActor(request);
      const { status, page, per_page } = request.query;
      return listOrders(app.db, { ...(status ? { status } : {}), limit: per_page, offset: (page - 1) * per_page });
    },
  );

  app.get<{ Params: { number: string } }>(
    '/api/staff/orders/:number',
    route('Show an order: lines, history and the next allowed statuses', { params: numberParams, response: { 200: orderResponse } }),
    async (request) => {
      await apiActor(request);
      const order = await orderOf(request.params.number);
      return apiOrder(order, await linesOf(app.db, order.id), await historyOf(app.db, order.id));
    },
  );

  app.get<{ Params: { number: string }; Querystring: { purpose: string } }>(
    '/api/staff/orders/:number/delivery',
    route('Read the delivery details of an order through the privacy kernel (purpose fulfillment or order-status; any other is refused and audited)', {
      params: numberParams,
      querystring: personalQuery,
      response: { 200: personalResponse },
    }),
    async (request) => {
      const actor = await apiActor(request);
      const order = await orderOf(request.params.number);
      const personal = await app.db.transaction().execute((trx) => readOrderPersonal(app.privacy, trx, order, actor, request.query.purpose));
      return { name: personal.name, address: personal.address, carrier: personal.shipment?.carrier ?? null, tracking: personal.shipment?.tracking ?? null };
    },
  );

  app.post<{ Params: { number: string }; Body: StepBody }>(
    '/api/staff/orders/:number/transitions',
    route('Move an order to its next status (shipped needs carrier and tracking; cancelled and on_hold a reason)', { params: numberParams, body: transitionBody, response: { 200: orderResponse } }),
    async (request) => {
      const actor = await apiActor(request);
      const order = await orderOf(request.params.number);
      const relocate = (err: unknown) => {
        if (!isAppError(err) || err.fields.length === 0) return err;
        const fields = err.fields.map((f) => ({ field: `body.${f.field === 'amountMinor' ? 'amount_minor' : f.field}`, message: f.message }));
        return new AppError(err.code, err.code === 'ORDER_TRANSITION_INVALID' ? err.message : fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
      };
      const moved = await app.db
        .transaction()
        .execute((trx) => transitionOrder(deps, trx, stepRequest(order, request.body, actor)))
        .catch((err: unknown) => Promise.reject(relocate(err)));
      return apiOrder(moved.order, await linesOf(app.db, order.id), await historyOf(app.db, order.id));
    },
  );
};
