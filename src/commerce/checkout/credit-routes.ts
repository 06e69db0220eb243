// Credit checks for staff whose role serves the purpose credit-check in the data map (owner,
// accountant): pages and the JSON API. Each POST is one transaction opened here.
import { creditNotes, staffCreditNotes } from './credit-notes.ts';
import { emptyBody, textForm } from '../../web/form-handling.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, notFound } from '../../platform/errors.ts';
import { type Actor, isPrivacyRefusal } from '../../privacy/index.ts';
import { CREDIT_HISTORY, CREDIT_PURPOSE, creditCheckOf, openCreditChecks, recordCreditDecision, requestCreditCheck, type CreditCheck, type CreditPorts } from './credit.ts';
import { creditListPage, creditPage } from './credit-pages.ts';
import type { OrderRef } from './ports.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { sendPage } from '../../web/page.ts';

const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: '^C-[0-9]{1,12}$' } } } as const;
const checkResponse = {
  type: 'object',
  properties: {
    order_number: { type: 'string' },
    order_status: { type: 'string' },
    recipient: { type: 'string' },
    state: { type: 'string', enum: ['awaiting', 'requested', 'approved', 'rejected'] },
    approval_id: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'] },
  },
} as const;
const errorResponse = { type: 'object', properties: { error: { type: 'object', additionalProperties: true } } } as const;

export function creditRoutes(app: FastifyInstance, ports: CreditPorts & { getOrderByNumber(number: string): Promise<OrderRef | null> }): void {
  registerFlashes(app, { 'credit.requested': 'Asked: the DPO sees the request in the DPO console.', 'credit.decided': 'The answer is recorded; the buyer is mailed.' });
  const kernel = app.privacy;
  const mayCheck = (role: string | null) => role !== null && (kernel.map.roles.get(role as never)?.purposes.has(CREDIT_PURPOSE) ?? false);

  const staffPage = async (request: FastifyRequest, reply: FastifyReply): Promise<Actor | null> => {
    const session = await app.accounts.session(request);
    if (session?.user.kind !== 'staff' || session.stage !== 'full' || session.via !== 'cookie') {
      void reply.redirect('/staff/login', 303);
      return null;
    }
    if (!mayCheck(session.user.role)) throw new AppError('FORBIDDEN', 'Your role does not do credit checks.');
    return session.actor;
  };
  const staffApi = async (request: FastifyRequest): Promise<Actor> => {
    // A disclosure request names the staff member who asked, so the shop's API token (no person) cannot ask.
    const session = await app.accounts.requireSession(request, 'staff');
    if (!mayCheck(session.user.role)) throw new AppError('FORBIDDEN', 'Your role does not do credit checks.');
    return session.actor;
  };
  const checkOf = async (number: string): Promise<{ check: CreditCheck; order: OrderRef }> => {
    const order = await ports.getOrderByNumber(number);
    const check = order ? await creditCheckOf(app.db, order.id) : null;
    if (!order || !check) throw notFound('The credit check of this order');
    return { check, order };
  };
  const recipientName = (id: string) => kernel.map.recipients.get(id)?.name ?? id;
  // Where a credit report may come from: the sources the data map declares for credit history.
  const reportSources = [...kernel.map.sources.values()].filter((s) => s.provides.has(CREDIT_HISTORY) && s.purposes.has(CREDIT_PURPOSE)).map((s) => ({ id: s.id, name: s.name }));
  const mayRecordReport = (actor: Actor) => actor.kind === 'staff' && (kernel.map.roles.get(actor.role)?.categories.has(CREDIT_HISTORY) ?? false);
  const asJson = ({ check, order }: { check: CreditCheck; order: OrderRef }) => ({
    order_number: order.number,
    order_status: order.status,
    recipient: check.recipient,
    state: check.state,
    approval_id: check.approvalId,
    reason: check.reason,
  });
  // A kernel refusal (the DPO has not approved yet) is a conflict of this step, told in words.
  const asConflict = (err: unknown) => (isPrivacyRefusal(err) ? new AppError('CONFLICT', `Not done: ${err.message}`) : err);

  app.get('/staff/credit', { schema: { hide: true } }, async (request, reply) => {
    if (!(await staffPage(request, reply))) return reply;
    const open = await openCreditChecks(app.db);
    const rows = (await Promise.all(open.map(async (check) => ({ check, order: await ports.getOrder(app.db, check.orderId) })))).filter(
      (r): r is { check: CreditCheck; order: OrderRef } => r.order !== null,
    );
    return sendPage(request, reply, creditListPage(rows));
  });

  const showCheck = async (request: FastifyRequest, reply: FastifyReply, actor: Actor, number: string, extra: { error?: string; notice?: string } = {}, status = 200) => {
    const { check, order } = await checkOf(number);
    const page = creditPage({
      check,
      order,
      recipientName: recipientName(check.recipient),
      csrf: app.accounts.formToken(request, reply),
      reportSources: mayRecordReport(actor) ? reportSources : [],
      ...extra,
    });
    return sendPage(request, reply, page, status);
  };

  app.get<{ Params: { number: string } }>('/staff/credit/:number', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const actor = await staffPage(request, reply);
    if (!actor) return reply;
    return showCheck(request, reply, actor, request.params.number, {});
  });

  const formStep = (path: string, body: object, step: (actor: Actor, orderId: string, body: Record<string, unknown>) => Promise<unknown>, done: string) =>
    app.post<{ Params: { number: string } }>(`/staff/credit/:number/${path}`, { schema: { hide: true, params: numberParams, body } }, async (request, reply) => {
      const actor = await staffPage(request, reply);
      if (!actor) return reply;
      const { order } = await checkOf(request.params.number);
      try {
        await step(actor, order.id, (request.body ?? {}) as Record<string, unknown>).catch((err: unknown) => Promise.reject(asConflict(err)));
      } catch (err) {
        if (!isAppError(err) || err.status >= 500) throw err;
        return showCheck(request, reply, actor, order.number, { error: err.message }, err.status);
      }
      return redirectWithFlash(reply, `/staff/credit/${order.number}`, `credit.${done}`);
    });
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const request = (actor: Actor, orderId: string) => app.db.transaction().execute((trx) => requestCreditCheck(ports, kernel, trx, { orderId, actor }));
  const decide = (actor: Actor, orderId: string, body: Record<string, unknown>) => {
    const report = text(body.credit_history)?.trim() ? { text: text(body.credit_history)!, ...(text(body.source) ? { source: text(body.source)! } : {}) } : undefined;
    return app.db.transaction().execute((trx) =>
      recordCreditDecision(ports, kernel, trx, {
        orderId,
        decision: text(body.decision) as 'approved' | 'refused',
        ...(text(body.reason) ? { reason: text(body.reason)! } : {}),
        ...(report ? { report } : {}),
        actor,
      }),
    );
  };
  formStep('request', emptyBody, (actor, orderId) => request(actor, orderId), 'requested');
  formStep('decision', textForm({ decision: 20, reason: 40, credit_history: 2000, source: 60 }), decide, 'decided');

  const route = (summary: string, schema: Record<string, unknown>) => ({
    schema: { tags: ['staff: orders'], summary, params: numberParams, ...schema, response: { 200: checkResponse, 400: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse } },
  });
  app.get<{ Params: { number: string } }>('/api/staff/orders/:number/credit-check', route('The credit check of an invoice order', {}), async (request) => {
    await staffApi(request);
    return asJson(await checkOf(request.params.number));
  });
  app.post<{ Params: { number: string } }>(
    '/api/staff/orders/:number/credit-check',
    route('Ask for the credit check (a disclosure request the DPO approves in the DPO console); the body is an empty JSON object', {
      body: { type: 'object', additionalProperties: false, properties: {} },
    }),
    async (req) => {
      const actor = await staffApi(req);
      const { order } = await checkOf(req.params.number);
      await request(actor, order.id).catch((err: unknown) => Promise.reject(asConflict(err)));
      return asJson(await checkOf(order.number));
    },
  );
  app.post<{ Params: { number: string }; Body: { decision: 'approved' | 'refused'; reason?: string; credit_history?: string; source?: string } }>(
    '/api/staff/orders/:number/credit-decision',
    route('Record the agency’s answer: approved (the details are disclosed under the DPO’s approval, the order released) or refused (the order cancelled)', {
      body: {
        type: 'object',
        required: ['decision'],
        additionalProperties: false,
        properties: {
          decision: { type: 'string', enum: ['approved', 'refused'] },
          reason: {
            type: 'string',
            enum: staffCreditNotes(),
            description: `Why, from the fixed list (never free text): ${staffCreditNotes()
              .map((c) => `${c} (${creditNotes[c].decision})`)
              .join(', ')}.`,
          },
          credit_history: {
            type: 'string',
            maxLength: 2000,
            description: 'The agency’s report, if it sent one: kept encrypted as the buyer’s credit history, with its source and basis, and shown in their export.',
          },
          source: { type: 'string', maxLength: 60, description: 'Which declared source (datamap/sources.yml) sent the report; default: the agency asked.' },
        },
      },
    }),
    async (req) => {
      const actor = await staffApi(req);
      const { order } = await checkOf(req.params.number);
      await decide(actor, order.id, req.body as Record<string, unknown>).catch((err: unknown) => Promise.reject(asConflict(err)));
      return asJson(await checkOf(order.number));
    },
  );
}
