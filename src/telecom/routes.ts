// The telecom routes: the network's usage API (a network key, one transaction per batch), the
// customer's lines and statements, the staff console of lines and keys, and the staff view of a
// customer's statement under a purpose (audited; P003-16).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../platform/errors.ts';
import type { Actor, PrivacyKernel, StaffRole } from '../privacy/index.ts';
import { errorResponses } from '../web/error-schema.ts';
import { formRoute, handleForm, textForm, textOf } from '../web/form-handling.ts';
import { sendPage } from '../web/page.ts';
import { ingestUsage } from './ingest.ts';
import { findNetworkKey, type Line, lineRef, linesOf, makeNetworkKey, monthsOfLines, networkKeys, openLine, PHONE, plansOf, recentLines, setLineStatus } from './lines.ts';
import { linesPage, statementPage, staffTelecomPage, type StaffTelecomView } from './pages.ts';
import { MONTH, planThatFits, readStatement } from './statement.ts';
import { MAX_RECORDS, usageRecordSchema } from './usage.ts';
import { lineStatuses } from './tables.ts';
import type { Db } from '../platform/db/database.ts';

const READERS: readonly StaffRole[] = ['owner', 'support', 'accountant', 'dpo'];
const LINE_OPENERS: readonly StaffRole[] = ['owner', 'support'];
const KEY_MAKERS: readonly StaffRole[] = ['owner'];
/** Who reads a customer's statement, and under which purpose. */
const STATEMENT_READERS: Partial<Record<StaffRole, string>> = { accountant: 'billing', dpo: 'data-rights' };

const monthParams = { type: 'object', required: ['month'], additionalProperties: false, properties: { month: { type: 'string', pattern: MONTH.source } } } as const;
const staffMonthParams = {
  type: 'object',
  required: ['subject', 'month'],
  additionalProperties: false,
  properties: { subject: { type: 'string', format: 'uuid' }, month: { type: 'string', pattern: MONTH.source } },
} as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } } as const;
const pageQuery = { type: 'object', additionalProperties: false, properties: { page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 } } } as const;
const usageBody = {
  type: 'object',
  required: ['records'],
  additionalProperties: false,
  properties: {
    batch: { type: 'string', minLength: 1, maxLength: 100, description: "The network's reference of this batch: a retry with the same one stores nothing again." },
    records: { type: 'array', minItems: 1, maxItems: MAX_RECORDS, items: usageRecordSchema },
  },
} as const;
const usageAnswer = {
  type: 'object',
  properties: { ingest: { type: 'string' }, records: { type: 'integer' }, batches: { type: 'integer' }, duplicate: { type: 'boolean' } },
} as const;

/** The numbers of these lines, read by the customer (a line whose number is gone shows without). */
async function numbersOf(kernel: PrivacyKernel, db: Db, actor: Actor, purpose: string, lines: readonly Line[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (lines.length === 0) return out;
  const results = await kernel.readMany(db, { actor, purpose, categories: [PHONE], items: lines.map((l) => ({ subject: l.subjectId, ref: lineRef(l.id) })) });
  results.forEach((r, i) => {
    const value = r.ok ? r.record.values[PHONE] : null;
    out.set(lines[i]!.id, typeof value === 'string' ? value : null);
  });
  return out;
}

export const telecomRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  const kernel = app.privacy;
  const now = () => new Date();

  // ---- The network's usage API (P003-03): records into the CPNI category, encrypted and audited.
  app.post(
    '/api/telecom/usage',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['telecom'],
        summary: `Post up to ${MAX_RECORDS} usage records (calls, messages, data) of the shop's lines; authenticated with a network key`,
        body: usageBody,
        response: { 201: usageAnswer, 200: usageAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const key = header.startsWith('Bearer ') ? header.slice(7).trim() : null;
      const keyId = key ? await findNetworkKey(app.db, key) : null;
      if (!keyId) throw new AppError('UNAUTHENTICATED', 'This route takes a network key (made by the owner at /staff/telecom): Authorization: Bearer ctn_…');
      const body = request.body as { batch?: string; records: Parameters<typeof ingestUsage>[2]['records'] };
      const result = await app.db.transaction().execute((trx) => ingestUsage(kernel, trx, { networkKey: keyId, records: body.records, ...(body.batch ? { batch: body.batch } : {}) }, now()));
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  // ---- The customer's lines and statements.
  app.get('/account/telecom', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session?.user.subject_id) return reply;
    const subject = session.user.subject_id;
    const lines = await linesOf(app.db, subject);
    const [numbers, plans, months] = await Promise.all([
      numbersOf(kernel, app.db, session.actor, 'fulfillment', lines),
      plansOf(app.db, lines),
      monthsOfLines(
        app.db,
        lines.map((l) => l.id),
      ),
    ]);
    const views = lines.map((line) => {
      const plan = plans.get(line.variantId);
      return { line, number: numbers.get(line.id) ?? null, plan: plan ? `${plan.product_name}: ${plan.variant_name}` : '—', months: months.get(line.id) ?? [] };
    });
    return sendPage(request, reply, linesPage(views));
  });

  app.get<{ Params: { month: string }; Querystring: { page: number } }>(
    '/account/telecom/statements/:month',
    { schema: { hide: true, params: monthParams, querystring: pageQuery } },
    async (request, reply) => {
      const session = await accounts.customerPage(request, reply);
      if (!session?.user.subject_id) return reply;
      const subject = session.user.subject_id;
      const statement = await readStatement(kernel, app.db, { subject, month: request.params.month, actor: session.actor, purpose: 'billing' });
      if (statement.lines.length === 0) throw notFound('A statement for this month');
      const numbers = await numbersOf(
        kernel,
        app.db,
        session.actor,
        'fulfillment',
        statement.lines.map((l) => l.line),
      );
      const offer = await planThatFits(kernel, app.db, subject, request.params.month, statement.lines);
      return sendPage(request, reply, statementPage({ statement, numbers, page: request.query.page, offer, viewer: { kind: 'customer' } }));
    },
  );

  // ---- Staff: lines, network keys, and a customer's statement under a purpose.
  const consoleArgs = async (role: StaffRole, request: FastifyRequest, reply: FastifyReply, extra: { newKey?: string; notice?: string } = {}): Promise<StaffTelecomView> => {
    const lines = await recentLines(app.db);
    const plans = await plansOf(app.db, lines);
    const csrf = accounts.formToken(request, reply);
    return {
      lines: lines.map((l) => ({ line: l, plan: plans.get(l.variantId)?.sku ?? '—', months: l.months })),
      keys: KEY_MAKERS.includes(role) ? await networkKeys(app.db) : [],
      lineForm: LINE_OPENERS.includes(role) ? { csrf } : null,
      keyForm: KEY_MAKERS.includes(role) ? { csrf } : null,
      readsStatements: role in STATEMENT_READERS,
      ...extra,
    };
  };

  app.get('/staff/telecom', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: READERS });
    if (!session) return reply;
    return sendPage(request, reply, staffTelecomPage(await consoleArgs(session.user.role as StaffRole, request, reply)));
  });

  /**
   * A console form (open a line, make a network key): all fields required text; on a problem the
   * console again with that form's errors, else the console with what the command made (201).
   */
  const consoleForm = (
    path: string,
    fields: Record<string, number>,
    roles: readonly StaffRole[],
    slot: 'lineForm' | 'keyForm',
    run: (trx: Db, values: Record<string, string>, actor: Actor) => Promise<{ newKey?: string; notice?: string }>,
  ) =>
    app.post(path, formRoute(textForm(fields, Object.keys(fields))), async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles });
      if (!session) return reply;
      const role = session.user.role as StaffRole;
      const values = Object.fromEntries(Object.keys(fields).map((name) => [name, textOf(request.body, name)]));
      const args = await consoleArgs(role, request, reply);
      return handleForm(
        request,
        reply,
        (extra) => ({ csrf: accounts.formToken(request, reply), ...extra }),
        Object.keys(fields),
        (state) => staffTelecomPage({ ...args, [slot]: state }),
        async () => {
          const made = await app.db.transaction().execute((trx) => run(trx, values, session.actor));
          return sendPage(request, reply, staffTelecomPage(await consoleArgs(role, request, reply, made)), 201);
        },
      );
    });

  consoleForm('/staff/telecom/lines', { email: 254, sku: 64, number: 30 }, LINE_OPENERS, 'lineForm', async (trx, values, actor) => {
    const line = await openLine(kernel, trx, { email: values.email!, sku: values.sku!, number: values.number! }, actor, now());
    return { notice: `Line ${line.id} is open.` };
  });

  consoleForm('/staff/telecom/keys', { label: 100 }, KEY_MAKERS, 'keyForm', async (trx, values, actor) => ({ newKey: (await makeNetworkKey(trx, values.label!, actor, now())).key }));

  app.post<{ Params: { id: string } }>(
    '/staff/telecom/lines/:id/status',
    { schema: { hide: true, params: idParams, body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: [...lineStatuses] } } } } },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: LINE_OPENERS });
      if (!session) return reply;
      const { status } = request.body as { status: string };
      await app.db.transaction().execute((trx) => setLineStatus(trx, request.params.id, status));
      return sendPage(request, reply, staffTelecomPage(await consoleArgs(session.user.role as StaffRole, request, reply, { notice: `Line ${request.params.id} is ${status}.` })));
    },
  );

  app.get<{ Params: { subject: string; month: string }; Querystring: { page: number } }>(
    '/staff/telecom/customers/:subject/statements/:month',
    { schema: { hide: true, params: staffMonthParams, querystring: pageQuery } },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: Object.keys(STATEMENT_READERS) as StaffRole[] });
      if (!session) return reply;
      const purpose = STATEMENT_READERS[session.user.role as StaffRole]!;
      const { subject, month } = request.params;
      const statement = await readStatement(kernel, app.db, { subject, month, actor: session.actor, purpose });
      if (statement.lines.length === 0) throw notFound('A statement for this customer and month');
      const name = kernel.map.purposes.get(purpose)?.name ?? purpose;
      return sendPage(request, reply, statementPage({ statement, numbers: new Map(), page: request.query.page, offer: null, viewer: { kind: 'staff', subject, purpose: name } }));
    },
  );
};
