// The quotes module's routes: the public request form, the requester's page and removal (by the
// token of their link, no sign-in), and the sales console (owners and support: the roles the data
// map allows `quotes`). One transaction per command.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { listProducts } from '../commerce/catalogue/index.ts';
import { AppError } from '../platform/errors.ts';
import { actorTag, type StaffRole } from '../privacy/index.ts';
import { formErrors, formRoute, formValues, validationProblem, handleForm, textForm, textOf } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { formatMoney } from '../web/format.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { sendPage } from '../web/page.ts';
import { addFollowUp, addLine, type CaseState, caseOf, caseStates, countByState, dayOf, linesOf, listCases, notesOf, removeLine, sendQuote, setStatus } from './cases.ts';
import { QUOTE_STAFF } from './follow-ups.ts';
import { casePage, casesPage, removedPage, requestPage, requestSentPage, staffDocumentPage, viewPage } from './pages.ts';
import { caseByToken, checkRequest, fileRequest, readRequest, removeByToken, TOKEN } from './requests.ts';

const ROLES: readonly StaffRole[] = QUOTE_STAFF;
const requestFields = ['name', 'email', 'phone', 'organisation', 'system', 'products'] as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const tokenQuery = { type: 'object', properties: { token: { type: 'string', maxLength: 100 }, product: { type: 'string', maxLength: 200 } } } as const;

export const quotesRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  const kernel = app.privacy;
  const now = () => new Date();
  const stateOf = (request: FastifyRequest, reply: FastifyReply) => (extra: Partial<FormState>) => ({ csrf: accounts.formToken(request, reply), ...extra });
  const customerOf = async (request: FastifyRequest) => {
    const session = await accounts.session(request);
    return session && session.user.kind === 'customer' && session.actor.kind === 'self' ? session.user.subject_id : null;
  };

  // ---- The public form (P004-07).
  app.get<{ Querystring: { product?: string } }>('/quote', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const product = (request.query.product ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
    return sendPage(request, reply, requestPage({ csrf: accounts.formToken(request, reply), values: product ? { products: product } : {} }, (await customerOf(request)) !== null));
  });

  app.post(
    '/quote',
    formRoute(textForm({ name: 200, email: 254, phone: 40, organisation: 200, system: 4000, products: 1000 }, ['name', 'email', 'organisation', 'system'])),
    async (request, reply) => {
      const body = request.body;
      const fields = () =>
        checkRequest({
          name: textOf(body, 'name'),
          email: textOf(body, 'email'),
          phone: textOf(body, 'phone'),
          organisation: textOf(body, 'organisation'),
          system: textOf(body, 'system'),
          products: textOf(body, 'products'),
        });
      const signedIn = await customerOf(request);
      return handleForm(
        request,
        reply,
        stateOf(request, reply),
        requestFields,
        (s) => requestPage(s, signedIn !== null),
        async () => {
          const checked = fields();
          const filed = await app.db.transaction().execute(async (trx) => {
            // Past the allowance of mail anyone can trigger (decision 0029), nothing is kept or sent.
            if (!(await accounts.mayMail(trx, checked.email, request.ip))) throw new AppError('RATE_LIMITED', 'Too many requests from this address or network just now: try again later, or call us.');
            return fileRequest(kernel, trx, checked, { signedInSubject: signedIn, publicUrl: app.config.publicUrl, currency: app.config.currency, now: now() });
          });
          return sendPage(request, reply, requestSentPage(filed.number));
        },
        fields,
      );
    },
  );

  // ---- The requester's page: no sign-in, the token of their link.
  app.get<{ Querystring: { token?: string } }>('/quote/view', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const c = await caseByToken(app.db, token);
    if (!c) throw new AppError('LINK_INVALID', 'This link is not valid any more: the request was removed, or the link was changed on the way.');
    const r = await readRequest(kernel, app.db, c);
    return sendPage(request, reply, viewPage(app.config.shopName, c, r, await linesOf(app.db, c.id), token, accounts.formToken(request, reply)));
  });

  app.post(
    '/quote/remove',
    formRoute({ type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', pattern: TOKEN.source } } }),
    async (request, reply) => {
      if (request.validationError) throw new AppError('LINK_INVALID');
      const { token } = request.body as { token: string };
      await app.db.transaction().execute((trx) => removeByToken(kernel, trx, token));
      return sendPage(request, reply, removedPage());
    },
  );

  // ---- The sales console.
  app.get<{ Querystring: { state?: string } }>(
    '/staff/quotes',
    { schema: { hide: true, querystring: { type: 'object', properties: { state: { type: 'string', enum: [...caseStates] } } } } },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: ROLES });
      if (!session) return reply;
      const today = dayOf(now());
      const state = (request.query.state ?? 'new') as CaseState;
      const rows = await listCases(kernel, app.db, state, session.actor, today);
      return sendPage(request, reply, casesPage(state, await countByState(app.db, today), rows));
    },
  );

  const productChoices = async () => {
    const listing = await listProducts(app.db, { page: 1, perPage: 100 });
    return listing.items.map((p) => ({ value: p.id, label: `${p.name}${p.min_price_minor !== null && p.currency ? ` (from ${formatMoney(p.min_price_minor, p.currency)})` : ''}` }));
  };

  const caseView = async (request: FastifyRequest, reply: FastifyReply, id: string, forms: { followUp?: FormState; line?: FormState; send?: FormState } = {}) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return null;
    const c = await caseOf(app.db, id);
    const csrf = accounts.formToken(request, reply);
    return casePage({
      shopName: app.config.shopName,
      c,
      request: await readRequest(kernel, app.db, c, session.actor),
      notes: await notesOf(kernel, app.db, c, session.actor),
      lines: await linesOf(app.db, c.id),
      products: await productChoices(),
      csrf,
      followUp: forms.followUp ?? { csrf, values: { date: c.follow_up_on ?? '' } },
      line: forms.line ?? { csrf, values: { quantity: '1' } },
      send: forms.send ?? { csrf, values: { validUntil: c.valid_until ?? dayOf(new Date(now().getTime() + 30 * 86_400_000)) } },
      today: dayOf(now()),
    });
  };

  app.get<{ Params: { id: string } }>('/staff/quotes/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const page = await caseView(request, reply, request.params.id);
    return page ? sendPage(request, reply, page) : reply;
  });

  app.get<{ Params: { id: string } }>('/staff/quotes/:id/document', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    const c = await caseOf(app.db, request.params.id);
    return sendPage(request, reply, staffDocumentPage(app.config.shopName, c, await readRequest(kernel, app.db, c, session.actor), await linesOf(app.db, c.id)));
  });

  registerFlashes(app, {
    'quotes.follow-up': 'Follow-up saved.',
    'quotes.line-added': 'Line added to the quote.',
    'quotes.line-removed': 'Line removed from the quote.',
    'quotes.sent': 'The quote was mailed to the requester.',
    'quotes.closed': 'The case is closed.',
  });
  const back = (reply: FastifyReply, id: string, flash: string) => redirectWithFlash(reply.header('cache-control', 'no-store'), `/staff/quotes/${id}`, flash);

  /** A case form: runs `act` in one transaction and goes back to the case, or shows the case page again with the form's errors. */
  const handleCaseForm = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    keep: readonly string[],
    which: 'followUp' | 'line' | 'send',
    flash: string,
    act: (trx: typeof app.db, session: NonNullable<Awaited<ReturnType<typeof accounts.staffPage>>>) => Promise<void>,
  ) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    const id = request.params.id;
    const problem = validationProblem(request);
    try {
      if (problem) throw problem;
      await app.db.transaction().execute((trx) => act(trx, session));
      return back(reply, id, flash);
    } catch (err) {
      const { errors, status } = formErrors(err);
      const csrf = accounts.formToken(request, reply);
      const page = await caseView(request, reply, id, { [which]: { csrf, values: formValues(request.body, keep), errors } });
      return sendPage(request, reply, page!, status);
    }
  };

  app.post<{ Params: { id: string } }>(
    '/staff/quotes/:id/follow-up',
    { schema: { hide: true, params: idParams, body: textForm({ note: 4000, date: 20 }) }, attachValidation: true },
    async (request, reply) =>
      handleCaseForm(request, reply, ['note', 'date'], 'followUp', 'quotes.follow-up', async (trx, session) => {
        const c = await caseOf(trx, request.params.id);
        await addFollowUp(kernel, trx, c, { note: textOf(request.body, 'note'), date: textOf(request.body, 'date') }, session.actor, actorTag(session.actor), now());
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/staff/quotes/:id/lines',
    { schema: { hide: true, params: idParams, body: textForm({ product: 100, description: 400, quantity: 20, price: 20 }) }, attachValidation: true },
    async (request, reply) =>
      handleCaseForm(request, reply, ['product', 'description', 'quantity', 'price'], 'line', 'quotes.line-added', async (trx) => {
        const b = request.body;
        await addLine(trx, await caseOf(trx, request.params.id), { product: textOf(b, 'product'), description: textOf(b, 'description'), quantity: textOf(b, 'quantity'), price: textOf(b, 'price') });
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/staff/quotes/:id/lines/remove',
    { schema: { hide: true, params: idParams, body: textForm({ line: 40 }, ['line']) }, attachValidation: true },
    async (request, reply) =>
      handleCaseForm(request, reply, [], 'line', 'quotes.line-removed', async (trx) => {
        await removeLine(trx, await caseOf(trx, request.params.id), textOf(request.body, 'line'));
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/staff/quotes/:id/send',
    { schema: { hide: true, params: idParams, body: textForm({ validUntil: 20 }, ['validUntil']) }, attachValidation: true },
    async (request, reply) =>
      handleCaseForm(request, reply, ['validUntil'], 'send', 'quotes.sent', async (trx) => {
        await sendQuote(kernel, trx, await caseOf(trx, request.params.id), { validUntil: textOf(request.body, 'validUntil') }, app.config.publicUrl, now());
      }),
  );

  app.post<{ Params: { id: string } }>(
    '/staff/quotes/:id/status',
    { schema: { hide: true, params: idParams, body: textForm({ status: 10 }, ['status']) }, attachValidation: true },
    async (request, reply) =>
      handleCaseForm(request, reply, [], 'send', 'quotes.closed', async (trx) => {
        await setStatus(trx, await caseOf(trx, request.params.id), textOf(request.body, 'status'), now());
      }),
  );
};
