// The fraud module's routes: the buyer's upload (by the mailed link `/identity/:token`, or signed in
// from their order page), the privacy officer's identity checks under the privacy desk (the proof is
// read through the kernel as them, under fraud-prevention, so every look is audited), and the
// owner's risk rules.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, notFound, validationError } from '../../platform/errors.ts';
import { actorTag, type StaffRole } from '../../privacy/index.ts';
import { formErrors, handleForm, textForm } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { confirmDialog, isConfirmed } from '../../web/confirm.ts';
import { formatMoney } from '../../web/format.ts';
import { parseMajor } from '../../web/money.ts';
import { sendPage } from '../../web/page.ts';
import type { UploadedFile } from '../../web/upload.ts';
import { getOrder, getOrderByNumber, type Order, ordersByIds, ordersDeps } from '../orders/index.ts';
import { checkPage, checksPage, type ListedCheck, linkInvalidPage, rulesPage, uploadPage } from './pages.ts';
import { MAX_PROOF_BYTES, PROOF_CATEGORY, PROOF_PURPOSE, readProof } from './proof.ts';
import type { ReviewState } from './tables.ts';
import { decide, OPEN_STATES, receiveProof, reviewOf, reviewOfToken } from './review.ts';
import { fraudDb, loadRules, type RiskRules, saveRules } from './rules.ts';

const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: '^C-[0-9]{1,12}$' } } } as const;
const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 100 } } } as const;
const uploadBody = { type: 'object', additionalProperties: false, properties: { file: { type: 'object' } } } as const;
// The file part up to the cap and a little more, so a file over the cap arrives cut (truncated) and is refused by name.
const uploadOptions = { multipartOptions: { limits: { files: 1, fileSize: MAX_PROOF_BYTES + 1, fields: 2, fieldSize: 1024 } } };
const DECIDED_LISTED = 25;
const OPEN_LISTED = 500;

export async function fraudRoutes(app: FastifyInstance): Promise<void> {
  const kernel = app.privacy;
  const deps = ordersDeps(app);
  const formState = (request: FastifyRequest, reply: FastifyReply, extra: Partial<FormState> = {}): FormState => ({ csrf: app.accounts.formToken(request, reply), ...extra });
  // Whoever the data map lets see proof of identity under fraud-prevention (the privacy officer).
  const reviewers = [...kernel.map.roles.values()].filter((r) => r.purposes.has(PROOF_PURPOSE) && r.categories.has(PROOF_CATEGORY)).map((r) => r.id as StaffRole);
  const reviewer = (request: FastifyRequest, reply: FastifyReply) => app.accounts.staffPage(request, reply, { roles: reviewers });

  // ---- The buyer's upload ------------------------------------------------------------------------

  const orderOf = async (id: string): Promise<Order> => {
    const order = await getOrder(app.db, id);
    if (!order) throw notFound('Order');
    return order;
  };
  const upload = async (request: FastifyRequest<{ Body: { file?: UploadedFile } }>, reply: FastifyReply, order: Order, action: string, received: Date | null) =>
    handleForm(
      request,
      reply,
      (extra) => formState(request, reply, extra),
      [],
      (state) => uploadPage({ number: order.number, action, state, received }),
      async () => {
        await receiveProof(kernel, app.db, { orderId: order.id, file: request.body?.file, publicUrl: app.config.publicUrl, now: deps.now() });
        const review = await reviewOf(app.db, order.id);
        return sendPage(request, reply, uploadPage({ number: order.number, action, state: formState(request, reply), received: review?.proof_received_at ?? null, done: true }));
      },
    );
  /** The open check of a link, or null after answering with the "link not valid" page (400). */
  const linkedReview = async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
    try {
      return await reviewOfToken(app.db, request.params.token);
    } catch (err) {
      if (!isAppError(err) || err.code !== 'LINK_INVALID') throw err;
      await sendPage(request, reply, linkInvalidPage(err.message), err.status);
      return null;
    }
  };

  app.get<{ Params: { token: string } }>('/identity/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const review = await linkedReview(request, reply);
    if (!review) return reply;
    const order = await orderOf(review.order_id);
    return sendPage(request, reply, uploadPage({ number: order.number, action: request.url, state: formState(request, reply), received: review.proof_received_at }));
  });
  app.post<{ Params: { token: string }; Body: { file?: UploadedFile } }>(
    '/identity/:token',
    { config: uploadOptions, attachValidation: true, schema: { hide: true, params: tokenParams, body: uploadBody } },
    async (request, reply) => {
      const review = await linkedReview(request, reply);
      if (!review) return reply;
      return upload(request, reply, await orderOf(review.order_id), request.url, review.proof_received_at);
    },
  );

  const buyersOrder = async (request: FastifyRequest<{ Params: { number: string } }>, reply: FastifyReply) => {
    const session = await app.accounts.customerPage(request, reply);
    if (!session) return null;
    const order = await getOrderByNumber(app.db, request.params.number);
    // Another customer's order answers exactly like one that does not exist.
    if (!order || order.customer_subject !== session.user.subject_id) throw notFound('Order');
    const review = await reviewOf(app.db, order.id);
    if (review?.state !== 'awaiting_proof' && review?.state !== 'proof_received') throw new AppError('CONFLICT', 'This order needs no proof of identity.');
    return { order, review };
  };
  app.get<{ Params: { number: string } }>('/account/orders/:number/identity', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const found = await buyersOrder(request, reply);
    if (!found) return reply;
    return sendPage(request, reply, uploadPage({ number: found.order.number, action: request.url, state: formState(request, reply), received: found.review.proof_received_at }));
  });
  app.post<{ Params: { number: string }; Body: { file?: UploadedFile } }>(
    '/account/orders/:number/identity',
    { config: uploadOptions, attachValidation: true, schema: { hide: true, params: numberParams, body: uploadBody } },
    async (request, reply) => {
      const found = await buyersOrder(request, reply);
      if (!found) return reply;
      return upload(request, reply, found.order, request.url, found.review.proof_received_at);
    },
  );

  // ---- The privacy officer's identity checks -----------------------------------------------------

  /** Checks in these states (waiting: oldest first, the queue; decided: latest first), with their orders in one more query. */
  const listed = async (states: readonly ReviewState[], limit: number, order: 'asc' | 'desc'): Promise<ListedCheck[]> => {
    const reviews = await fraudDb(app.db)
      .selectFrom('fraud_reviews')
      .selectAll()
      .where('state', 'in', states)
      .where('held_at', 'is not', null)
      .orderBy(order === 'asc' ? 'held_at' : 'decided_at', order)
      .orderBy('order_id')
      .limit(limit)
      .execute();
    const orders = await ordersByIds(
      app.db,
      reviews.map((r) => r.order_id),
    );
    return reviews.flatMap((review) => {
      const order = orders.get(review.order_id);
      return order ? [{ number: order.number, status: order.status, totalMinor: order.total_minor, currency: order.currency, review }] : [];
    });
  };
  const checkOf = async (number: string): Promise<{ check: ListedCheck; order: Order }> => {
    const order = await getOrderByNumber(app.db, number);
    const review = order ? await reviewOf(app.db, order.id) : undefined;
    if (!order || !review || review.state === 'flagged') throw notFound('The identity check of this order');
    return { order, check: { number: order.number, status: order.status, totalMinor: order.total_minor, currency: order.currency, review } };
  };
  const showCheck = async (request: FastifyRequest, reply: FastifyReply, number: string, error?: string, status = 200) => {
    const { check } = await checkOf(number);
    return sendPage(request, reply, checkPage({ check, csrf: app.accounts.formToken(request, reply), ...(error ? { error } : {}) }), status);
  };

  app.get('/staff/dpo/identity', { schema: { hide: true } }, async (request, reply) => {
    if (!(await reviewer(request, reply))) return reply;
    const open = await listed(
      OPEN_STATES.filter((s) => s !== 'flagged'),
      OPEN_LISTED,
      'asc',
    );
    return sendPage(request, reply, checksPage(open, await listed(['approved', 'rejected', 'closed'], DECIDED_LISTED, 'desc')));
  });
  app.get<{ Params: { number: string } }>('/staff/dpo/identity/:number', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    if (!(await reviewer(request, reply))) return reply;
    return showCheck(request, reply, request.params.number);
  });
  app.get<{ Params: { number: string } }>('/staff/dpo/identity/:number/proof', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const session = await reviewer(request, reply);
    if (!session) return reply;
    const { order, check } = await checkOf(request.params.number);
    const { review } = check;
    if (review.proof_parts === null || review.purged_at !== null || !order.customer_subject) throw notFound('The proof of identity of this order');
    const proof = await readProof(kernel, app.db, { orderId: order.id, subject: order.customer_subject, parts: review.proof_parts, actor: session.actor });
    const extension = proof.type === 'application/pdf' ? 'pdf' : proof.type === 'image/png' ? 'png' : 'jpg';
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `inline; filename="proof-${order.number}.${extension}"`)
      .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
      .header('x-content-type-options', 'nosniff')
      .type(proof.type)
      .send(proof.data);
  });
  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { number: string } }>(`/staff/dpo/identity/:number/${decision}`, { schema: { hide: true, params: numberParams, body: textForm({ confirm: 10 }) } }, async (request, reply) => {
      const session = await reviewer(request, reply);
      if (!session) return reply;
      const { order } = await checkOf(request.params.number);
      // Rejecting cancels the order and gives the money back: stated first, done on the confirmed post.
      if (decision === 'reject' && !isConfirmed(request.body))
        return sendPage(
          request,
          reply,
          confirmDialog({
            audience: 'dpo',
            title: `Reject order ${order.number}?`,
            consequence: `The order is cancelled, its stock put back and ${formatMoney(order.total_minor - order.refunded_minor, order.currency)} refunded to the buyer, who is mailed that their identity could not be confirmed.`,
            action: `/staff/dpo/identity/${order.number}/reject`,
            csrf: app.accounts.formToken(request, reply),
            confirmLabel: 'Reject and refund',
            cancelHref: `/staff/dpo/identity/${order.number}`,
            danger: true,
          }),
        );
      try {
        await decide(deps, app.db, { orderId: order.id, decision: decision === 'approve' ? 'approved' : 'rejected', actor: session.actor });
      } catch (err) {
        const { errors, status } = formErrors(err);
        return showCheck(request, reply, order.number, Object.values(errors)[0] ?? 'Not done.', status);
      }
      return reply.redirect(`/staff/dpo/identity/${order.number}`, 303);
    });
  }

  // ---- The owner's risk rules --------------------------------------------------------------------

  const owner = (request: FastifyRequest, reply: FastifyReply) => app.accounts.staffPage(request, reply, { roles: ['owner'] });
  const currency = app.config.currency;
  app.get<{ Querystring: { saved?: string } }>(
    '/staff/risk-rules',
    { schema: { hide: true, querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 1 } } } } },
    async (request, reply) => {
      if (!(await owner(request, reply))) return reply;
      return sendPage(request, reply, rulesPage({ rules: await loadRules(app.db), currency, state: formState(request, reply), saved: request.query.saved === '1' }));
    },
  );
  const fields = ['country_mismatch', 'velocity_orders', 'velocity_hours', 'amount'] as const;
  app.post<{ Body: Partial<Record<(typeof fields)[number], string>> }>(
    '/staff/risk-rules',
    { attachValidation: true, schema: { hide: true, body: textForm({ country_mismatch: 3, velocity_orders: 10, velocity_hours: 10, amount: 20 }) } },
    async (request, reply) => {
      const session = await owner(request, reply);
      if (!session) return reply;
      const current = await loadRules(app.db);
      return handleForm(
        request,
        reply,
        (extra) => formState(request, reply, extra),
        [...fields],
        (state) => rulesPage({ rules: current, currency, state }),
        async () => {
          await saveRules(app.db, readRules(request.body ?? {}, currency), actorTag(session.actor));
          return reply.redirect('/staff/risk-rules?saved=1', 303);
        },
      );
    },
  );
}

/** The rules form, read: every wrong field is named at once. */
function readRules(body: Partial<Record<string, string>>, currency: string): RiskRules {
  const problems: { field: string; message: string }[] = [];
  const whole = (field: string, min: number, max: number): number | null => {
    const text = (body[field] ?? '').trim();
    if (text === '') return null;
    const n = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
    if (!(n >= min && n <= max)) problems.push({ field, message: `must be a whole number from ${min} to ${max}` });
    return n;
  };
  const orders = whole('velocity_orders', 2, 100);
  const hours = whole('velocity_hours', 1, 720);
  if ((orders === null) !== (hours === null)) problems.push({ field: orders === null ? 'velocity_orders' : 'velocity_hours', message: 'is needed with the other (or leave both empty)' });
  let amount: number | null = null;
  const amountText = (body.amount ?? '').trim();
  if (amountText !== '') {
    try {
      amount = parseMajor('amount', amountText, currency);
      if (amount <= 0) problems.push({ field: 'amount', message: 'must be more than zero (or empty to turn the rule off)' });
    } catch (err) {
      if (!isAppError(err)) throw err;
      problems.push(...err.fields);
    }
  }
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems[0]!.message, problems);
  if (body.country_mismatch !== undefined && body.country_mismatch !== '' && body.country_mismatch !== 'on') throw validationError('country_mismatch', 'must be on or absent');
  return {
    countryMismatch: body.country_mismatch === 'on',
    velocity: orders !== null && hours !== null ? { orders, hours } : null,
    amount: amount !== null ? { minor: amount, currency } : null,
  };
}
