// The testimonials module's routes: the public pages and their removal requests (signed in, or
// verified by a mailed link), the customer's own page, and the staff page. One transaction per
// command; a takedown is complete (off the site, erased, case open, staff mailed) when it answers.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { checkEmail, TOKEN_SHAPE } from '../accounts/index.ts';
import { addImage, findImage, MAX_UPLOAD_BYTES, mediaStorage, type StoredImage, type Upload } from '../media/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Actor, StaffRole } from '../privacy/index.ts';
import { emptyBody, formRoute, handleForm, textForm, textOf } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { sendPage } from '../web/page.ts';
import { acceptsOneFile } from '../web/upload.ts';
import { approve, entriesIn, entriesOf, getEntry, ownFirstName, published, recordForCustomer, type StaffRecordInput, submitCompany, submitQuote, withValues } from './entries.ts';
import { accountPage, customersPage, removeConfirmPage, removedPage, removeLinkSentPage, removeRequestPage, staffPage, testimonialsPage } from './pages.ts';
import { addPlace, CASE_ROLES, caseCounts, linkHolder, listCases, mailTakedownLink, markPlaceDone, resolveCase, takeDown, takeDownByLink, takeDownForPerson } from './takedown.ts';

/** Staff who record a consent a customer gave by mail or phone: a consent-recording role that works under `testimonials`. */
const RECORDING_ROLES: readonly StaffRole[] = ['owner'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const placeParams = { type: 'object', required: ['id', 'place'], properties: { id: { type: 'string', format: 'uuid' }, place: { type: 'string', format: 'uuid' } } } as const;
const tokenQuery = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } as const;
const companyForm = {
  type: 'object',
  additionalProperties: false,
  properties: { company: { type: 'string', maxLength: 400 }, company_consent: { type: 'string', maxLength: 10 }, logo: { type: 'object' } },
} as const;
const recordFields = { kind: 20, email: 254, words: 4000, first_name: 200, shown_as: 20, company: 400, channel: 20, evidence: 4000 };
const recordForm = {
  type: 'object',
  additionalProperties: false,
  properties: { ...Object.fromEntries(Object.entries(recordFields).map(([k, max]) => [k, { type: 'string', maxLength: max }])), logo: { type: 'object' } },
} as const;
type FileBody = Record<string, unknown> & { logo?: Upload };

const hasFile = (u: unknown): u is Upload => typeof u === 'object' && u !== null && Buffer.isBuffer((u as Upload).data) && (u as Upload).data.length > 0;

export const testimonialsRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  const kernel = app.privacy;
  const storage = mediaStorage(app.config);
  const now = () => new Date();
  const publicUrl = app.config.publicUrl;
  const stateOf = (request: FastifyRequest, reply: FastifyReply) => (extra: Partial<FormState>) => ({ csrf: accounts.formToken(request, reply), ...extra });
  const redirect = (reply: FastifyReply, url: string) => reply.code(303).header('cache-control', 'no-store').redirect(url);

  // ---- Public pages (P001-06, P001-07).
  app.get('/testimonials', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, testimonialsPage(await published(kernel, app.db, 'quote'))));

  app.get('/customers', { schema: { hide: true } }, async (request, reply) => {
    const companies = await published(kernel, app.db, 'company');
    const images = new Map<string, StoredImage>();
    for (const c of companies) {
      const id = c.entry.logo_image_id;
      const image = id ? await findImage(app.db, id) : undefined;
      if (image) images.set(c.entry.id, image);
    }
    return sendPage(request, reply, customersPage(companies.map((c) => ({ ...c, ...(images.has(c.entry.id) ? { image: images.get(c.entry.id)! } : {}) }))));
  });

  const publishedEntry = async (id: string) => {
    const entry = await getEntry(app.db, id);
    if (entry.state !== 'published') throw notFound('This entry');
    return entry;
  };

  app.get<{ Params: { id: string } }>('/testimonials/:id/remove', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const entry = await publishedEntry(request.params.id);
    const session = await accounts.session(request);
    const signedInOwner = session?.user.kind === 'customer' && session.user.subject_id === entry.subject_id;
    return sendPage(request, reply, removeRequestPage({ entry: entry.id, state: { csrf: accounts.formToken(request, reply) }, signedInOwner }));
  });

  app.post<{ Params: { id: string } }>(
    '/testimonials/:id/remove',
    { ...formRoute(textForm({ email: 254 }, ['email'])), schema: { hide: true, params: idParams, body: textForm({ email: 254 }, ['email']) } },
    async (request, reply) => {
      const entry = await publishedEntry(request.params.id);
      return handleForm(
        request,
        reply,
        stateOf(request, reply),
        ['email'],
        (s) => removeRequestPage({ entry: entry.id, state: s, signedInOwner: false }),
        async () => {
          const email = checkEmail('email', textOf(request.body, 'email'));
          await app.db.transaction().execute(async (trx) => {
            // Past the allowance of mail anyone can trigger (decision 0029), nothing is sent; the page says the same.
            if (await accounts.mayMail(trx, email, request.ip)) await mailTakedownLink(kernel, trx, { entry: entry.id, email, publicUrl, now: now() });
          });
          return sendPage(request, reply, removeLinkSentPage());
        },
        () => checkEmail('email', textOf(request.body, 'email')),
      );
    },
  );

  app.get<{ Querystring: { token?: string } }>('/testimonials/remove', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    if (!TOKEN_SHAPE.test(token) || !(await linkHolder(app.db, token, now()))) throw new AppError('LINK_INVALID');
    return sendPage(request, reply, removeConfirmPage(token, accounts.formToken(request, reply)));
  });

  app.post(
    '/testimonials/remove',
    formRoute({ type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', maxLength: 100 } } }),
    async (request, reply) => {
      const token = (request.body as { token?: string } | undefined)?.token ?? '';
      if (request.validationError || !TOKEN_SHAPE.test(token)) throw new AppError('LINK_INVALID');
      const done = await app.db.transaction().execute((trx) => takeDownByLink(kernel, trx, { token, publicUrl, now: now() }));
      return sendPage(request, reply, removedPage(done.deadline));
    },
  );

  // ---- The customer's own page.
  const accountData = async (subject: string, actor: Actor) => {
    const entries = await entriesOf(app.db, subject);
    const values = new Map(
      (
        await withValues(
          kernel,
          app.db,
          entries.filter((e) => e.state !== 'removed'),
          actor,
        )
      ).map((s) => [s.entry.id, s]),
    );
    return {
      entries: entries.map((e) => {
        const v = values.get(e.id);
        return v ? { ...e, words: v.words, name: v.name, company: v.company } : e;
      }),
      firstName: await ownFirstName(kernel, app.db, actor, subject),
    };
  };
  const freshQuote = (csrf: string): FormState => ({ csrf, values: { shown_as: 'first-name' } });

  app.get('/account/testimonials', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const csrf = accounts.formToken(request, reply);
    return sendPage(request, reply, accountPage({ ...(await accountData(session.user.subject_id, session.actor)), quote: freshQuote(csrf), company: { csrf } }));
  });

  app.post('/account/testimonials', formRoute(textForm({ words: 4000, shown_as: 20, consent: 10 })), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const subject = session.user.subject_id;
    const input = { words: textOf(request.body, 'words'), shown_as: textOf(request.body, 'shown_as'), consent: textOf(request.body, 'consent') };
    const data = await accountData(subject, session.actor);
    const csrf = accounts.formToken(request, reply);
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      ['words', 'shown_as'],
      (s) => accountPage({ ...data, quote: s, company: { csrf } }),
      async () => {
        await app.db.transaction().execute((trx) => submitQuote(kernel, trx, input, { subject, actor: session.actor, now: now() }));
        return sendPage(
          request,
          reply,
          accountPage({ ...(await accountData(subject, session.actor)), quote: freshQuote(csrf), company: { csrf }, notice: 'Thank you: we show it once we have read and approved it.' }),
        );
      },
    );
  });

  app.post<{ Body: FileBody }>(
    '/account/testimonials/company',
    { config: acceptsOneFile(MAX_UPLOAD_BYTES), attachValidation: true, schema: { hide: true, body: companyForm } },
    async (request, reply) => {
      const session = await accounts.customerPage(request, reply);
      if (!session) return reply;
      const subject = session.user.subject_id;
      const body = request.body ?? {};
      const csrf = accounts.formToken(request, reply);
      const input = { company: typeof body.company === 'string' ? body.company : '', company_consent: typeof body.company_consent === 'string' ? body.company_consent : '' };
      const data = await accountData(subject, session.actor);
      return handleForm(
        request,
        reply,
        stateOf(request, reply),
        ['company'],
        (s) => accountPage({ ...data, quote: freshQuote(csrf), company: s }),
        async () => {
          await app.db
            .transaction()
            .execute((trx) =>
              submitCompany(kernel, trx, input, async () => (hasFile(body.logo) ? (await addImage(trx, storage, body.logo, 'logo')).id : null), { subject, actor: session.actor, now: now() }),
            );
          return sendPage(
            request,
            reply,
            accountPage({ ...(await accountData(subject, session.actor)), quote: freshQuote(csrf), company: { csrf }, notice: 'Thank you: we list your company once we have approved it.' }),
          );
        },
      );
    },
  );

  app.post<{ Params: { id: string } }>('/account/testimonials/:id/takedown', { schema: { hide: true, params: idParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const entry = await getEntry(app.db, request.params.id);
    if (entry.subject_id !== session.user.subject_id) throw notFound('This entry');
    const done = await app.db.transaction().execute((trx) => takeDown(kernel, trx, { subject: entry.subject_id, actor: session.actor, via: 'account', publicUrl, now: now() }));
    return sendPage(request, reply, removedPage(done.deadline, 'account'));
  });

  // ---- Staff: approval, cases with their deadline, recording a consent given by mail or phone.
  const staffData = async (actor: Actor) => {
    const t = now();
    return {
      pending: await withValues(kernel, app.db, await entriesIn(app.db, ['pending']), actor),
      published: await withValues(kernel, app.db, await entriesIn(app.db, ['published']), actor),
      cases: await listCases(app.db),
      counts: await caseCounts(app.db, t),
      now: t,
    };
  };
  const freshRecord = (csrf: string): FormState => ({ csrf, values: { kind: 'quote', shown_as: 'first-name', channel: 'email' } });
  const mayRecord = (role: StaffRole) => RECORDING_ROLES.includes(role);

  app.get('/staff/testimonials', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: CASE_ROLES });
    if (!session) return reply;
    const csrf = accounts.formToken(request, reply);
    const role = session.user.role as StaffRole;
    return sendPage(request, reply, staffPage({ ...(await staffData(session.actor)), csrf, ...(mayRecord(role) ? { record: freshRecord(csrf), mayTakeDown: true } : {}) }));
  });

  app.post<{ Body: FileBody }>('/staff/testimonials/record', { config: acceptsOneFile(MAX_UPLOAD_BYTES), attachValidation: true, schema: { hide: true, body: recordForm } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: RECORDING_ROLES });
    if (!session) return reply;
    const body = request.body ?? {};
    const input = Object.fromEntries(Object.keys(recordFields).map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : ''])) as unknown as StaffRecordInput;
    const csrf = accounts.formToken(request, reply);
    const data = await staffData(session.actor);
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      Object.keys(recordFields),
      (s) => staffPage({ ...data, csrf, record: s, mayTakeDown: true }),
      async () => {
        await app.db
          .transaction()
          .execute((trx) =>
            recordForCustomer(kernel, trx, input, async () => (hasFile(body.logo) ? (await addImage(trx, storage, body.logo, 'logo')).id : null), { actor: session.actor, now: now() }),
          );
        return sendPage(request, reply, staffPage({ ...(await staffData(session.actor)), csrf, record: freshRecord(csrf), mayTakeDown: true, notice: 'Recorded: approve it below to show it.' }));
      },
    );
  });

  app.post<{ Params: { id: string } }>(
    '/staff/testimonials/:id/takedown',
    {
      ...formRoute(textForm({ channel: 20, evidence: 4000 }, ['channel', 'evidence'])),
      schema: { hide: true, params: idParams, body: textForm({ channel: 20, evidence: 4000 }, ['channel', 'evidence']) },
    },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: RECORDING_ROLES });
      if (!session) return reply;
      if (request.validationError) throw request.validationError;
      await app.db.transaction().execute((trx) =>
        takeDownForPerson(kernel, trx, {
          entry: request.params.id,
          channel: textOf(request.body, 'channel'),
          evidence: textOf(request.body, 'evidence'),
          actor: session.actor,
          publicUrl,
          now: now(),
        }),
      );
      return redirect(reply, '/staff/testimonials#cases');
    },
  );

  app.post<{ Params: { id: string } }>('/staff/testimonials/:id/approve', { schema: { hide: true, params: idParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: CASE_ROLES });
    if (!session) return reply;
    await app.db.transaction().execute((trx) => approve(trx, request.params.id, session.actor, now()));
    return redirect(reply, '/staff/testimonials#published');
  });

  app.post<{ Params: { id: string } }>(
    '/staff/testimonials/cases/:id/places',
    { ...formRoute(textForm({ place: 400 }, ['place'])), schema: { hide: true, params: idParams, body: textForm({ place: 400 }, ['place']) } },
    async (request, reply) => {
      const session = await accounts.staffPage(request, reply, { roles: CASE_ROLES });
      if (!session) return reply;
      if (request.validationError) throw request.validationError;
      await app.db.transaction().execute((trx) => addPlace(trx, request.params.id, textOf(request.body, 'place'), now()));
      return redirect(reply, `/staff/testimonials#case-${request.params.id}`);
    },
  );

  app.post<{ Params: { id: string; place: string } }>('/staff/testimonials/cases/:id/places/:place/done', { schema: { hide: true, params: placeParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: CASE_ROLES });
    if (!session) return reply;
    await app.db.transaction().execute((trx) => markPlaceDone(trx, request.params.id, request.params.place, now()));
    return redirect(reply, `/staff/testimonials#case-${request.params.id}`);
  });

  app.post<{ Params: { id: string } }>('/staff/testimonials/cases/:id/resolve', { schema: { hide: true, params: idParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: CASE_ROLES });
    if (!session) return reply;
    await app.db.transaction().execute((trx) => resolveCase(trx, request.params.id, session.actor, now()));
    return redirect(reply, `/staff/testimonials#case-${request.params.id}`);
  });
};
