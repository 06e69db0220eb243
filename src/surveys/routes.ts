// The surveys module's routes: the staff console (owners and marketing: the roles the data map
// allows `surveys`) and the respondent's answer page, opened by the token of the invitation's link
// without a sign-in. One transaction per command.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { actorTag, type StaffRole } from '../privacy/index.ts';
import { formErrors, formRoute, formValues, handleForm, textForm, textOf, validationProblem } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { sendPage } from '../web/page.ts';
import { invitationByToken, submitAnswers, TEXT_MAX, TOKEN } from './answers.ts';
import { answeredPage, answerPage, reportPage, surveyPage, surveysPage, thanksPage } from './pages.ts';
import { surveyReport } from './report.ts';
import { addQuestion, CONTENT, closeSurvey, createSurvey, intermediaries, listSurveys, openSurvey, questionsOf, surveyOf, tally } from './surveys.ts';

const ROLES: readonly StaffRole[] = ['owner', 'marketing'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const tokenQuery = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } as const;

export const surveysRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  const kernel = app.privacy;
  const now = () => new Date();
  const stateOf = (request: FastifyRequest, reply: FastifyReply) => (extra: Partial<FormState>) => ({ csrf: accounts.formToken(request, reply), ...extra });
  const nameOf = (id: string | null) => (id ? (kernel.map.recipients.get(id)?.name ?? id) : 'the shop');

  // ---- Staff.
  const listView = async (state: FormState) => surveysPage({ surveys: await listSurveys(app.db), runners: intermediaries(kernel.map), recipientName: nameOf, state });

  app.get('/staff/surveys', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    return sendPage(request, reply, await listView({ csrf: accounts.formToken(request, reply), values: { recipient: '', shared: 'none' } }));
  });

  app.post('/staff/surveys', formRoute(textForm({ title: 400, intro: 4000, recipient: 100, shared: 40 }, ['title'])), async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    const b = request.body;
    const surveys = await listSurveys(app.db);
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      ['title', 'intro', 'recipient', 'shared'],
      (s) => surveysPage({ surveys, runners: intermediaries(kernel.map), recipientName: nameOf, state: s }),
      async () => {
        const id = await app.db
          .transaction()
          .execute((trx) =>
            createSurvey(
              trx,
              kernel.map,
              { title: textOf(b, 'title'), intro: textOf(b, 'intro'), recipient: textOf(b, 'recipient'), shared: textOf(b, 'shared') || 'none' },
              actorTag(session.actor),
              now(),
            ),
          );
        return reply.code(303).header('cache-control', 'no-store').redirect(`/staff/surveys/${id}`);
      },
    );
  });

  const surveyView = async (request: FastifyRequest, reply: FastifyReply, id: string, forms: { question?: FormState; open?: FormState } = {}) => {
    const s = await surveyOf(app.db, id);
    const csrf = accounts.formToken(request, reply);
    return surveyPage({
      s,
      questions: await questionsOf(app.db, s.id),
      recipientName: nameOf(s.recipient),
      tally: await tally(app.db, s.id),
      csrf,
      question: forms.question ?? { csrf, values: { kind: 'text', shared: 'no' } },
      open: forms.open ?? { csrf },
    });
  };

  app.get<{ Params: { id: string } }>('/staff/surveys/:id', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    return sendPage(request, reply, await surveyView(request, reply, request.params.id));
  });

  app.get<{ Params: { id: string } }>('/staff/surveys/:id/report', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    const s = await surveyOf(app.db, request.params.id);
    const questions = await questionsOf(app.db, s.id);
    // Text answers are the respondents' own words: shown only to a role that may read private content (need-to-know).
    const showTexts = kernel.map.roles.get(session.user.role as StaffRole)?.categories.has(CONTENT) ?? false;
    return sendPage(request, reply, reportPage(s, await tally(app.db, s.id), await surveyReport(kernel, app.db, s.id, questions), showTexts));
  });

  const surveyCommand = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    keep: readonly string[],
    which: 'question' | 'open',
    act: (trx: typeof app.db) => Promise<void>,
  ) => {
    const session = await accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    const id = request.params.id;
    try {
      const problem = validationProblem(request);
      if (problem) throw problem;
      await app.db.transaction().execute(act);
      return reply.code(303).header('cache-control', 'no-store').redirect(`/staff/surveys/${id}`);
    } catch (err) {
      const { errors, status } = formErrors(err);
      const csrf = accounts.formToken(request, reply);
      return sendPage(request, reply, await surveyView(request, reply, id, { [which]: { csrf, values: formValues(request.body, keep), errors } }), status);
    }
  };

  app.post<{ Params: { id: string } }>(
    '/staff/surveys/:id/questions',
    { schema: { hide: true, params: idParams, body: textForm({ kind: 20, prompt: 600, choices: 2000, shared: 10 }, ['kind', 'prompt']) }, attachValidation: true },
    async (request, reply) =>
      surveyCommand(request, reply, ['kind', 'prompt', 'choices', 'shared'], 'question', async (trx) => {
        const b = request.body;
        await addQuestion(trx, await surveyOf(trx, request.params.id), { kind: textOf(b, 'kind'), prompt: textOf(b, 'prompt'), choices: textOf(b, 'choices'), shared: textOf(b, 'shared') || 'no' });
      }),
  );

  app.post<{ Params: { id: string } }>('/staff/surveys/:id/open', { schema: { hide: true, params: idParams, body: textForm({}) }, attachValidation: true }, async (request, reply) =>
    surveyCommand(request, reply, [], 'open', async (trx) => openSurvey(trx, await surveyOf(trx, request.params.id), now())),
  );

  app.post<{ Params: { id: string } }>('/staff/surveys/:id/close', { schema: { hide: true, params: idParams, body: textForm({}) }, attachValidation: true }, async (request, reply) =>
    surveyCommand(request, reply, [], 'open', async (trx) => closeSurvey(trx, await surveyOf(trx, request.params.id))),
  );

  // ---- The respondent: the invitation's link, no sign-in.
  const answerView = async (token: string, state: FormState) => {
    const inv = await invitationByToken(app.db, token);
    if (!inv) throw new AppError('LINK_INVALID', 'This survey link is not one of ours, or it was changed on the way.');
    const s = await surveyOf(app.db, inv.survey_id);
    if (s.status !== 'open') throw new AppError('LINK_INVALID', 'This survey is closed. Thank you all the same.');
    if (inv.answered_at) return answeredPage();
    return answerPage({ s, questions: await questionsOf(app.db, s.id), token, state, recipientName: s.recipient ? nameOf(s.recipient) : null });
  };

  app.get<{ Querystring: { token?: string } }>('/survey', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    return sendPage(request, reply, await answerView(request.query.token ?? '', { csrf: accounts.formToken(request, reply) }));
  });

  // Question fields are named by the question's id (q-<uuid>): checked against the survey's questions.
  const answerBody = {
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string', pattern: TOKEN.source }, share: { type: 'string', enum: ['yes'] } },
    patternProperties: { '^q-[0-9a-f-]{36}$': { type: 'string', maxLength: TEXT_MAX + 200 } },
    additionalProperties: false,
  } as const;

  app.post('/survey', formRoute(answerBody), async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    const token = typeof body.token === 'string' ? body.token : '';
    if (!TOKEN.test(token)) throw new AppError('LINK_INVALID');
    const keep = Object.keys(body).filter((k) => k.startsWith('q-') || k === 'share');
    try {
      const problem = validationProblem(request);
      if (problem) throw problem;
      const done = await app.db.transaction().execute((trx) => submitAnswers(kernel, trx, token, body, body.share === 'yes', now()));
      return sendPage(request, reply, thanksPage(done.declined, done.disclosures.length > 0));
    } catch (err) {
      const { errors, status } = formErrors(err);
      if (status !== 400) throw err;
      return sendPage(request, reply, await answerView(token, { csrf: accounts.formToken(request, reply), values: formValues(body, keep), errors }), status);
    }
  });
};
