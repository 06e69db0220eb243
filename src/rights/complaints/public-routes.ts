// The complaint channel anyone can use: the form at /privacy/complaint and its JSON twin. A
// signed-in customer files on their own subject; anyone else as a new correspondent (filing.ts
// says why). One transaction per complaint.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { retentionDays } from '../../privacy/index.ts';
import { errorBody } from '../../web/error-schema.ts';
import { formRoute, handleForm } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { sendPage } from '../../web/page.ts';
import type { RightsDeps } from '../deps.ts';
import type { ComplaintChannel } from '../tables.ts';
import { fileComplaint } from './filing.ts';
import { complaintFromInput, complaintLimits, message } from './input.ts';
import { complaintFormPage, complaintReceivedPage } from './pages.ts';
import { COMPLAINT_PURPOSE, EMAIL, NAME, TEXT } from './refs.ts';

// Loose bounds only: the real limits are checked in input.ts, so every field's problem is named at once.
const loose = { type: 'string', maxLength: 20_000 } as const;
const formBody = { type: 'object', additionalProperties: false, properties: { name: loose, email: loose, text: loose, order_number: loose } } as const;
const apiBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'text'],
  properties: {
    name: { type: 'string', maxLength: complaintLimits.name, description: 'The complainant’s name.' },
    email: { type: 'string', maxLength: complaintLimits.email, description: 'Where the acknowledgement and the answer go.' },
    text: { type: 'string', maxLength: complaintLimits.text, description: 'What happened: how the shop is not keeping its privacy policy.' },
    order_number: { type: 'string', maxLength: complaintLimits.order_number, description: 'The order it is about, if any (e.g. C-100042).' },
  },
} as const;
const apiResponse = {
  type: 'object',
  required: ['number', 'status', 'received_at', 'due_at'],
  properties: {
    number: { type: 'string', examples: ['K-000101'] },
    status: { type: 'string', enum: ['open'] },
    received_at: { type: 'string', format: 'date-time' },
    due_at: { type: 'string', format: 'date-time' },
  },
} as const;

export async function complaintPublicRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { accounts } = app;
  const keptDays = retentionDays(deps.kernel.map, TEXT, COMPLAINT_PURPOSE).days;

  const signedIn = async (request: FastifyRequest) => {
    const session = await accounts.session(request);
    return session?.user.kind === 'customer' && session.stage === 'full' ? session : null;
  };
  const signedInSubject = async (request: FastifyRequest): Promise<string | null> => (await signedIn(request))?.user.subject_id ?? null;
  const page = (subject: string | null, state: FormState) => complaintFormPage({ state, signedIn: subject !== null, deadlineDays: deps.config.rights.deadlineDays, keptDays });
  const file = (body: unknown, channel: ComplaintChannel, subject: string | null, ip: string) => {
    const complaint = complaintFromInput((body ?? {}) as Record<string, unknown>);
    return app.db.transaction().execute(async (trx) => fileComplaint(deps, trx, { complaint, channel, signedInSubject: subject, acknowledge: await accounts.mayMail(trx, complaint.email, ip) }));
  };

  app.get('/privacy/complaint', { schema: { hide: true } }, async (request, reply) => {
    const session = await signedIn(request);
    const subject = session?.user.subject_id ?? null;
    // A signed-in customer starts from their own name and address (read as themselves, audited).
    const own = session ? (await deps.kernel.read(app.db, { subject: session.user.subject_id, actor: session.actor, purpose: COMPLAINT_PURPOSE, categories: [NAME, EMAIL], ref: '' })).values : {};
    const values = { name: typeof own[NAME] === 'string' ? own[NAME] : '', email: typeof own[EMAIL] === 'string' ? own[EMAIL] : '' };
    return sendPage(request, reply, page(subject, { csrf: accounts.formToken(request, reply), values }));
  });

  app.post('/privacy/complaint', formRoute(formBody), async (request: FastifyRequest, reply: FastifyReply) => {
    const subject = await signedInSubject(request);
    const state = (extra: Partial<FormState>): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });
    // The text is given back whole (the kit keeps 300 characters of a field), so nothing typed is lost to an error.
    const text = message((request.body as Record<string, unknown> | undefined)?.text).slice(0, 20_000);
    return handleForm(
      request,
      reply,
      state,
      ['name', 'email', 'order_number'],
      (s) => page(subject, { ...s, values: { ...s.values, text } }),
      async () => {
        const complaint = await file(request.body, 'web', subject, request.ip);
        return sendPage(request, reply, complaintReceivedPage({ number: complaint.number, due: new Date(complaint.due_at) }));
      },
    );
  });

  app.post(
    '/api/privacy/complaints',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'File a complaint that the shop is not keeping its privacy policy (P002-24): a tracked case for the privacy officer, acknowledged by mail. Signed in as a customer, it is filed with the account.',
        body: apiBody,
        response: { 201: apiResponse, 400: errorBody, 403: errorBody, 415: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const complaint = await file(request.body, 'api', await signedInSubject(request), request.ip);
      return reply.code(201).send({ number: complaint.number, status: complaint.status, received_at: new Date(complaint.received_at).toISOString(), due_at: new Date(complaint.due_at).toISOString() });
    },
  );
}
