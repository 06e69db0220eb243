// The mailing module's routes: the public signup and confirmation, the unsubscribe link of every
// marketing mail (a page with a button, and RFC 8058's one-click POST, neither needing a sign-in),
// and the staff console's campaigns and opt-out form. One transaction per command.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { checkEmail } from '../accounts/index.ts';
import { outboxTally, UNSUBSCRIBE_TOKEN_PATTERN } from '../comms/index.ts';
import { AppError, checkFields, notFound, validationError } from '../platform/errors.ts';
import { actorTag, type StaffRole } from '../privacy/index.ts';
import { formRoute, handleForm, textForm, textOf } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { sendPage } from '../web/page.ts';
import { CAMPAIGN_JOB, createCampaign, getCampaign, listCampaigns, startSending } from './campaigns.ts';
import { confirmationWaiting, confirmMember, signUpForList } from './members.ts';
import { marketingPurposes, recordOptOut } from './opt-out.ts';
import { campaignPage, campaignsPage, confirmedPage, confirmPage, optOutPage, signupPage, signupSentPage, unsubscribedPage, unsubscribePage } from './pages.ts';
import { targetOf, unsubscribe } from './unsubscribe.ts';

const READERS: readonly StaffRole[] = ['owner', 'marketing', 'support', 'dpo'];
const WRITERS: readonly StaffRole[] = ['owner', 'marketing'];
const OPT_OUT_ROLES: readonly StaffRole[] = ['owner', 'support', 'dpo'];
const TOKEN = '^[A-Za-z0-9_-]{43}$';
const tokenQuery = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } as const;
const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: UNSUBSCRIBE_TOKEN_PATTERN } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
// RFC 8058: the body is `List-Unsubscribe=One-Click` (urlencoded or multipart); the page's form sends the same.
const oneClickBody = { type: 'object', required: ['List-Unsubscribe'], additionalProperties: false, properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'] } } } as const;

export const mailingRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  const kernel = app.privacy;
  const now = () => new Date();
  const stateOf = (request: FastifyRequest, reply: FastifyReply) => (extra: Partial<FormState>) => ({ csrf: accounts.formToken(request, reply), ...extra });

  // ---- The public signup (P004-06).
  app.get('/mailing-list', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, signupPage({ csrf: accounts.formToken(request, reply) })));

  app.post('/mailing-list', formRoute(textForm({ name: 200, email: 254 }, ['name', 'email'])), async (request, reply) => {
    const body = request.body;
    const fields = () => {
      let email = '';
      let name = '';
      checkFields([
        () => {
          name = textOf(body, 'name').normalize('NFKC').replace(/\s+/g, ' ').trim();
          if (name === '') throw validationError('name', 'is required');
        },
        () => {
          email = checkEmail('email', textOf(body, 'email'));
        },
      ]);
      return { name, email };
    };
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      ['name', 'email'],
      signupPage,
      async () => {
        const { name, email } = fields();
        await app.db.transaction().execute(async (trx) => {
          // Past the allowance of mail anyone can trigger (decision 0029), nothing is kept or sent; the page says the same.
          if (await accounts.mayMail(trx, email, request.ip)) await signUpForList(kernel, trx, { name, email, publicUrl: app.config.publicUrl, now: now() });
        });
        return sendPage(request, reply, signupSentPage());
      },
      fields,
    );
  });

  app.get<{ Querystring: { token?: string } }>('/mailing-list/confirm', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    if (!new RegExp(TOKEN).test(token) || !(await confirmationWaiting(app.db, token, now()))) throw new AppError('LINK_INVALID');
    return sendPage(request, reply, confirmPage(token, accounts.formToken(request, reply)));
  });

  app.post(
    '/mailing-list/confirm',
    formRoute({ type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', pattern: TOKEN } } }),
    async (request, reply) => {
      if (request.validationError) throw new AppError('LINK_INVALID');
      const { token } = request.body as { token: string };
      await app.db.transaction().execute((trx) => confirmMember(kernel, trx, token, now()));
      return sendPage(request, reply, confirmedPage());
    },
  );

  // ---- Unsubscribe (P002-14, P004-13): no sign-in; the token names the message, not the person.
  app.get<{ Params: { token: string } }>('/unsubscribe/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    await targetOf(app.db, kernel, request.params.token);
    return sendPage(request, reply, unsubscribePage(request.params.token, accounts.formToken(request, reply)));
  });

  app.post<{ Params: { token: string } }>(
    '/unsubscribe/:token',
    { schema: { hide: true, params: tokenParams, body: oneClickBody }, attachValidation: true, config: { oneClickUnsubscribe: true } },
    async (request, reply) => {
      if (request.validationError) throw validationError('List-Unsubscribe', 'must be One-Click');
      const what = await app.db.transaction().execute(async (trx) => unsubscribe(trx, kernel, await targetOf(trx, kernel, request.params.token)));
      return sendPage(request, reply, unsubscribedPage(what));
    },
  );

  // ---- Staff: campaigns (P002-08) and opt-outs received by email, phone or post (P002-14).
  const listView = async (role: StaffRole, state: FormState) =>
    campaignsPage({ campaigns: await listCampaigns(app.db), state, mayWrite: WRITERS.includes(role), mayRecordOptOut: OPT_OUT_ROLES.includes(role) });

  app.get('/staff/mailing', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: READERS });
    if (!session) return reply;
    return sendPage(request, reply, await listView(session.user.role as StaffRole, { csrf: accounts.formToken(request, reply), values: { purpose: 'newsletters' } }));
  });

  app.post('/staff/mailing', formRoute(textForm({ purpose: 20, subject: 400, text: 8000 }, ['purpose', 'subject', 'text'])), async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: WRITERS });
    if (!session) return reply;
    const body = request.body;
    const campaigns = await listCampaigns(app.db);
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      ['purpose', 'subject'],
      (s) =>
        campaignsPage({
          campaigns,
          state: { ...s, values: { ...s.values, text: textOf(body, 'text').slice(0, 8000) } },
          mayWrite: true,
          mayRecordOptOut: OPT_OUT_ROLES.includes(session.user.role as StaffRole),
        }),
      async () => {
        const id = await app.db
          .transaction()
          .execute((trx) => createCampaign(trx, { purpose: textOf(body, 'purpose'), subject: textOf(body, 'subject'), text: textOf(body, 'text') }, actorTag(session.actor), now()));
        return reply.code(303).header('cache-control', 'no-store').redirect(`/staff/mailing/${id}`);
      },
    );
  });

  app.get('/staff/mailing/opt-out', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: OPT_OUT_ROLES });
    if (!session) return reply;
    return sendPage(request, reply, optOutPage({ csrf: accounts.formToken(request, reply), values: { purpose: 'all', channel: 'email' } }, marketingPurposes(kernel)));
  });

  app.post('/staff/mailing/opt-out', formRoute(textForm({ email: 254, purpose: 40, channel: 20, evidence: 4000 }, ['email', 'purpose', 'channel', 'evidence'])), async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: OPT_OUT_ROLES });
    if (!session) return reply;
    const body = request.body;
    const input = { email: textOf(body, 'email'), purpose: textOf(body, 'purpose'), channel: textOf(body, 'channel'), evidence: textOf(body, 'evidence') };
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      ['email', 'purpose', 'channel', 'evidence'],
      (s) => optOutPage(s, marketingPurposes(kernel)),
      async () => {
        const done = await app.db.transaction().execute((trx) => recordOptOut(kernel, trx, input, session.actor));
        return sendPage(request, reply, optOutPage({ csrf: accounts.formToken(request, reply), values: { purpose: 'all', channel: 'email' } }, marketingPurposes(kernel), done));
      },
    );
  });

  const campaignOf = async (id: string) => {
    const c = await getCampaign(app.db, id);
    if (!c) throw notFound('This campaign');
    return c;
  };

  app.get<{ Params: { id: string } }>('/staff/mailing/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: READERS });
    if (!session) return reply;
    const c = await campaignOf(request.params.id);
    const tally = c.status === 'draft' ? [] : await outboxTally(app.db, `${CAMPAIGN_JOB}:${c.id}:`);
    return sendPage(request, reply, campaignPage(c, tally, accounts.formToken(request, reply), WRITERS.includes(session.user.role as StaffRole)));
  });

  app.post<{ Params: { id: string } }>(
    '/staff/mailing/:id/send',
    { schema: { hide: true, params: idParams, body: { type: ['object', 'null'], additionalProperties: false } } },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: WRITERS });
      if (!session) return reply;
      const c = await campaignOf(request.params.id);
      await app.db.transaction().execute((trx) => startSending(trx, c.id, actorTag(session.actor), now()));
      return reply.code(303).header('cache-control', 'no-store').redirect(`/staff/mailing/${c.id}`);
    },
  );
};
