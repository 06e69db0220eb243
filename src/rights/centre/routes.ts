// The privacy centre's pages and JSON API for the signed-in customer: see, copy, correct, choose,
// deactivate, delete; and the reactivation of a deactivated account. Each command is one
// transaction, opened here; deactivation and deletion ask for the password again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, validationError } from '../../platform/errors.ts';
import type { ActiveSession } from '../../accounts/index.ts';
import { CONTACT_PREFERENCE, type ContactChannel, contactChannels, withChannel, type Actor, type PersonalItem } from '../../privacy/index.ts';
import { ordersOfCustomer, orderNumbers } from '../../commerce/orders/index.ts';
import { formRoute, handleForm, validationProblem } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { sendPage } from '../../web/page.ts';
import { pageOf, pageParam } from '../../web/pagination.ts';
import { html } from '../../web/template.ts';
import { errorBody } from '../../web/error-schema.ts';
import { categoryLabel } from '../policy/plain-words.ts';
import { canCorrect, type CorrectableCategory, correct, correctable, valueFromInput } from '../correction.ts';
import { holderContext, type RightsDeps } from '../deps.ts';
import { beginDeletion } from '../erasure.ts';
import { buildExport, exportFileName } from '../export.ts';
import { exportPage } from '../export-page.ts';
import { deactivate, reactivate } from '../deactivation.ts';
import { recordDoneRequest, requestsOfSubject } from '../requests.ts';
import { accessLogCounts, accessLogRows } from './access-log-view.ts';
import { accessLogPage, centrePage, choicesOf, correctedPage, correctPage, deactivatedPage, deactivatePage, deletePage, deletingPage, reactivatePage, type LeaveView } from './pages.ts';
import { orderIdsOf, refLabel } from './values.ts';

const ACCESS_LOG_ROWS_PER_PAGE = 50;
const accessLogQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...pageParam, who: { type: 'string', enum: ['all', 'others'], default: 'all' } },
} as const;
const OPEN_ORDER = new Set(['pending_payment', 'paid', 'fulfilling', 'on_hold']);
const password = { type: 'string', minLength: 1, maxLength: 256 } as const;
const passwordBody = { type: 'object', additionalProperties: false, required: ['password'], properties: { password } } as const;
const reactivateBody = { type: 'object', additionalProperties: false, required: ['email', 'password'], properties: { email: { type: 'string', minLength: 3, maxLength: 254 }, password } } as const;
const choiceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['purpose', 'choice'],
  properties: { purpose: { type: 'string', maxLength: 100 }, choice: { type: 'string', enum: ['grant', 'withdraw'] } },
} as const;
const contactBody = { type: 'object', additionalProperties: false, required: ['channel'], properties: { channel: { type: 'string', enum: [...contactChannels] } } } as const;
const field = { type: 'string', maxLength: 200 } as const;
const correctBody = {
  type: 'object',
  additionalProperties: false,
  properties: { name: field, phone: field, organization: field, email: field, line1: field, line2: field, postal_code: field, city: field, country: field },
} as const;
const itemParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const exportResponse = {
  type: 'object',
  additionalProperties: true,
  required: ['format', 'generated_at', 'shop', 'sections'],
  properties: {
    format: { type: 'string' },
    generated_at: { type: 'string' },
    shop: { type: 'object', additionalProperties: true },
    sections: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

type Body = Record<string, string>;

export async function centreRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { accounts } = app;
  const state =
    (request: FastifyRequest, reply: FastifyReply) =>
    (extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  const itemsOf = async (subject: string, actor: Actor): Promise<PersonalItem[]> => (await deps.kernel.read(app.db, { subject, actor, purpose: 'data-rights', projection: 'export' })).items;

  const centre = async (request: FastifyRequest, reply: FastifyReply, session: ActiveSession, notice?: string) => {
    const subject = session.user.subject_id;
    const items = await itemsOf(subject, session.actor);
    const own = { subject, actor: session.actor, purpose: 'data-rights' };
    const disclosures = await deps.kernel.disclosuresOf(app.db, own);
    const notices = await deps.kernel.noticesOf(app.db, own);
    const orders = await orderNumbers(app.db, [...orderIdsOf(items.map((i) => i.ref)), ...disclosures.flatMap((d) => (d.order ? [d.order] : [])), ...notices.flatMap((n) => n.orders)]);
    const page = centrePage({
      map: deps.kernel.map,
      items,
      orders,
      choices: choicesOf(deps.kernel.map, await deps.kernel.consentState(app.db, own)),
      ledger: await deps.kernel.consentLedger(app.db, own),
      disclosures,
      notices,
      requests: await requestsOfSubject(app.db, subject),
      csrf: accounts.formToken(request, reply),
      ...(notice ? { notice } : {}),
    });
    return sendPage(request, reply, page);
  };

  app.get('/account/privacy', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    return session ? centre(request, reply, session) : reply;
  });

  // Where people look for these first: each leads to its place in the privacy centre.
  for (const [path, target] of [
    ['/account/export', '/account/privacy#copy'],
    ['/account/delete', '/account/privacy/delete'],
    ['/account/profile', '/account/privacy#data'],
    ['/account/consent', '/account/privacy#choices'],
  ] as const) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) => reply.redirect(target, 301));
  }

  app.get<{ Querystring: { page: number; who: 'all' | 'others' } }>('/account/privacy/access-log', { schema: { hide: true, querystring: accessLogQuery } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const entries = await deps.kernel.accessLog(app.db, { subject: session.user.subject_id, actor: session.actor });
    const others = request.query.who === 'others';
    const rows = pageOf(accessLogRows(entries, { others }), request.query.page, ACCESS_LOG_ROWS_PER_PAGE);
    return sendPage(request, reply, accessLogPage({ rows, counts: accessLogCounts(entries), others }, deps.kernel.map));
  });

  // ---- The copy of everything.
  app.get('/account/privacy/export', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const actor = session.actor;
    const doc = await buildExport(deps, app.db, subject, actor);
    return sendPage(
      request,
      reply,
      exportPage(doc, { download: html`<a class="button" href="/account/privacy/export.json" download>Download it (JSON)</a>`, back: html`<a href="/account/privacy">Back to your privacy</a>` }),
    );
  });

  const download = async (session: ActiveSession) => {
    const subject = session.user.subject_id;
    const actor = session.actor;
    return app.db.transaction().execute(async (trx) => {
      const doc = await buildExport(deps, trx, subject, actor);
      await recordDoneRequest(deps, trx, { kind: 'access', subject, source: 'self', channel: 'web', actor: actor, verification: 'signed-in' }, { sections: doc.sections.length });
      return doc;
    });
  };

  app.get('/account/privacy/export.json', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const doc = await download(session);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${exportFileName(doc)}"`)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(doc, null, 1));
  });

  app.get(
    '/api/account/export',
    {
      schema: {
        tags: ['account'],
        summary: 'Everything the shop holds about the signed-in customer (P001-10), in the documented export format (docs/export-schema.json); recorded as an access request',
        response: { 200: exportResponse, ...errors },
      },
    },
    async (request, reply) => {
      const session = await accounts.requireSession(request, 'customer');
      return reply.header('cache-control', 'no-store').send(await download(session));
    },
  );

  // ---- Correction of one item.
  const itemOf = async (session: ActiveSession, id: string): Promise<PersonalItem & { category: CorrectableCategory }> => {
    const item = (await itemsOf(session.user.subject_id, session.actor)).find((i) => i.id === id);
    if (!item || !canCorrect(item)) throw new AppError('NOT_FOUND', 'There is no such item to correct.');
    return item;
  };
  const correctForm = async (_subject: string, item: PersonalItem) => {
    const category = deps.kernel.map.categories.get(item.category);
    const orders = await orderNumbers(app.db, orderIdsOf([item.ref]));
    return { item, label: category ? categoryLabel(category) : item.category, where: refLabel(item.ref, orders) };
  };
  const initialValues = (item: PersonalItem & { category: CorrectableCategory }): Record<string, string> => {
    const v = item.value;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : '']));
    return { [correctable[item.category]]: typeof v === 'string' ? v : '' };
  };

  app.get<{ Params: { id: string } }>('/account/privacy/items/:id', { schema: { hide: true, params: itemParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const item = await itemOf(session, request.params.id);
    return sendPage(request, reply, correctPage({ ...(await correctForm(session.user.subject_id, item)), state: state(request, reply)({ values: initialValues(item) }) }));
  });

  app.post<{ Params: { id: string } }>('/account/privacy/items/:id', { ...formRoute(correctBody), schema: { hide: true, body: correctBody, params: itemParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const actor = session.actor;
    const item = await itemOf(session, request.params.id);
    const form = await correctForm(subject, item);
    return handleForm(
      request,
      reply,
      state(request, reply),
      Object.keys(correctBody.properties),
      (s) => correctPage({ ...form, state: s }),
      async () => {
        const value = valueFromInput(item.category, (request.body ?? {}) as Record<string, unknown>);
        const done = await app.db.transaction().execute((trx) => correct(deps, trx, { subject, item: item.id, value, actor: actor, source: 'self', channel: 'web' }));
        const orders = await orderNumbers(
          app.db,
          done.notices.flatMap((n) => n.orders),
        );
        return sendPage(request, reply, correctedPage({ label: form.label, notices: done.notices, orders }));
      },
    );
  });

  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/api/account/items/:id',
    {
      schema: {
        tags: ['account'],
        summary: 'Correct one item of the signed-in customer (a name, an address, a phone number, a company name, an order’s email); recipients that received it are told',
        params: itemParams,
        body: correctBody,
        response: { 200: { type: 'object', properties: { request: { type: 'string' }, recipients_told: { type: 'array', items: { type: 'string' } } } }, ...errors },
      },
    },
    async (request) => {
      const session = await accounts.requireSession(request, 'customer');
      const subject = session.user.subject_id;
      const actor = session.actor;
      const item = await itemOf(session, request.params.id);
      const value = valueFromInput(item.category, request.body);
      const done = await app.db.transaction().execute((trx) => correct(deps, trx, { subject, item: item.id, value, actor: actor, source: 'self', channel: 'web' }));
      return { request: done.request.number, recipients_told: done.notices.map((n) => n.recipientName) };
    },
  );

  // ---- Choices: consent and opt-out purposes (P003-06: withdrawn at once).
  app.post('/account/privacy/choices', formRoute(choiceBody), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const actor = session.actor;
    if (validationProblem(request)) throw validationError('choice', 'must be grant or withdraw');
    const body = request.body as Body;
    const choice = choicesOf(deps.kernel.map, []).find((c) => c.purpose === body.purpose);
    if (!choice) throw validationError('purpose', 'is not a choice offered here');
    await app.db
      .transaction()
      .execute((trx) => deps.kernel.recordConsent(trx, { subject, purpose: choice.purpose, action: body.choice as 'grant' | 'withdraw', channel: 'web', actor: actor, evidence: 'privacy centre' }));
    return centre(request, reply, session, `${choice.name} is now ${body.choice === 'grant' ? 'on' : 'off'}.`);
  });

  // ---- The preferred contact channel (P004-14): a kernel item, phone only while a phone is held.
  const chooseChannel = (session: ActiveSession, channel: ContactChannel) =>
    app.db.transaction().execute(async (trx) => {
      const subject = session.user.subject_id;
      const actor = session.actor;
      if (channel === 'phone') {
        const phones = await deps.kernel.read(trx, { subject, actor, purpose: 'data-rights', categories: ['user.contact.phone_number'] });
        if (!phones.items.some((i) => i.category === 'user.contact.phone_number')) throw validationError('channel', 'phone needs a phone number of yours; we hold none');
      }
      const held = await deps.kernel.read(trx, { subject, actor, purpose: CONTACT_PREFERENCE.purpose, categories: [CONTACT_PREFERENCE.category] });
      await deps.kernel.write(trx, { subject, actor, purpose: CONTACT_PREFERENCE.purpose, values: { [CONTACT_PREFERENCE.category]: withChannel(held.values[CONTACT_PREFERENCE.category], channel) } });
    });

  app.post('/account/privacy/contact', formRoute(contactBody), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    if (validationProblem(request)) throw validationError('channel', 'must be email or phone');
    const channel = (request.body as Body).channel as ContactChannel;
    await chooseChannel(session, channel);
    return centre(request, reply, session, `We answer you by ${channel} from now on.`);
  });

  app.put<{ Body: { channel: ContactChannel } }>(
    '/api/account/contact-channel',
    {
      schema: {
        tags: ['account'],
        summary: 'How the signed-in customer wants to be answered (P004-14): email, or phone while the shop holds a phone number of theirs; staff see it',
        body: contactBody,
        response: { 200: { type: 'object', properties: { channel: { type: 'string' } } }, ...errors },
      },
    },
    async (request) => {
      const session = await accounts.requireSession(request, 'customer');
      await chooseChannel(session, request.body.channel);
      return { channel: request.body.channel };
    },
  );

  // ---- Deactivation and deletion.
  const leaveView = async (session: ActiveSession, s: FormState): Promise<LeaveView> => {
    const subject = session.user.subject_id;
    const ctx = holderContext(deps, app.db, session.actor);
    const kept: string[] = [];
    for (const holder of deps.holders()) {
      const what = await holder.retains?.(ctx, subject);
      if (what) kept.push(what);
    }
    const recipients = [...new Set((await deps.kernel.disclosuresOf(app.db, { subject, actor: session.actor, purpose: 'data-rights' })).map((d) => d.recipientName))];
    const openOrders = (await ordersOfCustomer(app.db, subject)).filter((o) => OPEN_ORDER.has(o.status)).map((o) => ({ number: o.number, status: o.status }));
    return { state: s, openOrders, recipients, kept, windowDays: deps.config.rights.blindIndexRotationDays };
  };
  const confirmed = async (request: FastifyRequest, session: { user: Parameters<typeof accounts.confirmPassword>[1] }) => {
    const ok = await app.db.transaction().execute((trx) => accounts.confirmPassword(trx, session.user, (request.body as Body).password ?? '', request.ip));
    if (!ok) throw validationError('password', 'is not your password');
  };

  app.get('/account/privacy/delete', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, deletePage(await leaveView(session, state(request, reply)())));
  });

  app.post('/account/privacy/delete', formRoute(passwordBody), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const actor = session.actor;
    const view = await leaveView(session, state(request, reply)());
    return handleForm(
      request,
      reply,
      state(request, reply),
      [],
      (s) => deletePage({ ...view, state: s }),
      async () => {
        await confirmed(request, session);
        const started = await app.db.transaction().execute((trx) => beginDeletion(deps, trx, { subject, actor: actor, source: 'self', channel: 'web' }));
        accounts.clearSession(reply);
        return sendPage(request, reply, deletingPage(started.number));
      },
    );
  });

  app.post<{ Body: { password: string } }>(
    '/api/account/deletion',
    {
      schema: {
        tags: ['account'],
        summary: "Delete the signed-in customer's account and data (P000-12): signed out at once, erased by a job, a receipt mailed first",
        body: passwordBody,
        response: { 202: { type: 'object', properties: { request: { type: 'string' }, status: { type: 'string' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const session = await accounts.requireSession(request, 'customer');
      await confirmed(request, session);
      const subject = session.user.subject_id;
      const actor = session.actor;
      const started = await app.db.transaction().execute((trx) => beginDeletion(deps, trx, { subject, actor: actor, source: 'self', channel: 'web' }));
      accounts.clearSession(reply);
      return reply.code(202).send({ request: started.number, status: started.status });
    },
  );

  app.get('/account/privacy/deactivate', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    return session ? sendPage(request, reply, deactivatePage(state(request, reply)())) : reply;
  });

  app.post('/account/privacy/deactivate', formRoute(passwordBody), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const actor = session.actor;
    return handleForm(request, reply, state(request, reply), [], deactivatePage, async () => {
      await confirmed(request, session);
      const done = await app.db.transaction().execute((trx) => deactivate(deps, trx, { subject, actor: actor, source: 'self', channel: 'web' }));
      accounts.clearSession(reply);
      return sendPage(request, reply, deactivatedPage(done.number));
    });
  });

  app.get('/account/reactivate', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, reactivatePage(state(request, reply)())));

  app.post('/account/reactivate', formRoute(reactivateBody), async (request, reply) =>
    handleForm(request, reply, state(request, reply), ['email'], reactivatePage, async () => {
      const body = request.body as Body;
      const result = await app.db.transaction().execute((trx) => accounts.checkPassword(trx, { email: body.email!, password: body.password!, ip: request.ip }));
      if (result.ok) {
        await accounts.signIn(request, reply, result.user);
        return reply.redirect('/account', 303);
      }
      if (result.reason !== 'deactivated' || !result.user) throw new AppError(result.reason === 'locked' ? 'LOGIN_LOCKED' : result.reason === 'pending' ? 'EMAIL_NOT_CONFIRMED' : 'LOGIN_FAILED');
      const user = result.user;
      const actor = result.actor!;
      await app.db.transaction().execute((trx) => reactivate(deps, trx, { subject: user.subject_id, actor }));
      await accounts.signIn(request, reply, { ...user, status: 'active' });
      return reply.redirect('/account/privacy', 303);
    }),
  );
}
