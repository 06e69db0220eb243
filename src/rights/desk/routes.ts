// The requests desk's routes (staff: the privacy officer and support) and the two public pages its
// mailed links lead to: confirming a request, and the copy of one's data. Each command is one
// transaction, opened here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { staffRolesOf } from '../../accounts/index.ts';
import { orderNumbers } from '../../commerce/orders/index.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { selfActor, systemActor, type PersonalItem, type PersonalValue } from '../../privacy/index.ts';
import { formRoute, formErrors, formValues, handleForm, validationProblem, emptyBody, textForm, textOf } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { CONFIRM_FIELD, isConfirmed } from '../../web/confirm.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { sendPage } from '../../web/page.ts';
import { pageQuery } from '../../web/pagination.ts';
import { html } from '../../web/template.ts';
import { orderIdsOf } from '../centre/values.ts';
import { canCorrect, correct, correctable, correctionFields, fieldsOf, valueFromInput } from '../correction.ts';
import type { RightsDeps } from '../deps.ts';
import { callOffDeletion, retryDeletion } from '../erasure.ts';
import { buildExport, exportFileName } from '../export.ts';
import { exportPage } from '../export-page.ts';
import { requestOfLink } from '../links.ts';
import { RIGHTS_PURPOSE } from '../mail.ts';
import { closeRequest, eventsOf, kindLabels, listRequests, pageOfOpenRequests, rejectRequest, requestById, requestByNumber, verifyRequest, type RightsRequest } from '../requests.ts';
import { evidenceKinds, rejectionOutcomes, requestChannels, requestKinds, type EvidenceKind, type RequestChannel, type RequestKind } from '../tables.ts';
import { addNote, carryOut, checkRequestFields, DESK_ROLES, enterRequest, mailVerification, notesOf, type StaffMember } from './commands.ts';
import { recordCategories, recordFieldNames, recordFields, recordValue } from './records.ts';
import { confirmDeletionPage, confirmRequestPage, newRequestPage, personDataPage, requestConfirmedPage, requestPage, requestsPage, yourDataLinkPage } from './pages.ts';

type Body = Record<string, string>;
const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: '^R-[0-9]{6,12}$' } } } as const;
const tokenBody = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', maxLength: 100 }, format: { type: 'string', enum: ['page', 'json'] } },
} as const;
const newBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'email', 'channel'],
  properties: {
    kind: { type: 'string', enum: [...requestKinds] },
    email: { type: 'string', minLength: 3, maxLength: 254 },
    channel: { type: 'string', enum: requestChannels.filter((c) => c !== 'web') },
    note: { type: 'string', maxLength: 2000 },
  },
} as const;
// Every category the person corrects in the privacy centre; the sign-in email stays with the account's confirmed change.
const CORRECTABLE = Object.keys(correctable);
const REQUESTS_PER_PAGE = 50;
/** An item staff may correct on a correction request, its form's fields and how its new value is checked. */
interface DeskItem {
  item: PersonalItem;
  fields: readonly string[];
  valueOf(input: Record<string, unknown>): PersonalValue;
}

export async function deskRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { accounts } = app;
  registerFlashes(app, { 'rights.request-entered': 'Recorded. The person is mailed a link to confirm the request is theirs.' });
  const now = () => deps.now();
  const state =
    (request: FastifyRequest, reply: FastifyReply) =>
    (extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  const staffOf = async (request: FastifyRequest, reply: FastifyReply): Promise<StaffMember | null> => {
    const session = await accounts.staffPage(request, reply, { roles: DESK_ROLES });
    return session ? { id: session.user.id, role: session.user.role!, actor: session.actor } : null;
  };

  const show = async (request: FastifyRequest, reply: FastifyReply, r: RightsRequest, staff: StaffMember, extra: { notice?: string; state?: FormState } = {}, status = 200) => {
    const enteredBy = r.entered_by ? ((await staffRolesOf(app.db, [r.entered_by])).get(r.entered_by) ?? 'staff') : null;
    const page = requestPage({
      request: r,
      events: await eventsOf(app.db, r.id),
      notes: await notesOf(deps, app.db, r, staff.actor),
      enteredBy,
      csrf: accounts.formToken(request, reply),
      now: now(),
      state: extra.state ?? state(request, reply)(),
      ...(extra.notice ? { notice: extra.notice } : {}),
    });
    return sendPage(request, reply, page, status);
  };

  const listPage = async (page: number, notice?: string) => {
    const { total, overdue, ...open } = await pageOfOpenRequests(app.db, page, REQUESTS_PER_PAGE, now());
    return requestsPage({
      open,
      openCount: total,
      overdue,
      closed: await listRequests(app.db, { open: false, limit: 50 }),
      now: now(),
      ...(notice ? { notice } : {}),
    });
  };

  app.get<{ Querystring: { page: number } }>('/staff/requests', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    if (!(await staffOf(request, reply))) return reply;
    return sendPage(request, reply, await listPage(request.query.page));
  });

  app.get('/staff/requests/new', { schema: { hide: true } }, async (request, reply) => {
    if (!(await staffOf(request, reply))) return reply;
    return sendPage(request, reply, newRequestPage(state(request, reply)()));
  });

  app.post('/staff/requests/new', formRoute(newBody), async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!staff) return reply;
    return handleForm(
      request,
      reply,
      state(request, reply),
      ['kind', 'email', 'channel', 'note'],
      newRequestPage,
      async () => {
        const body = request.body as Body;
        const entered = await app.db
          .transaction()
          .execute((trx) => enterRequest(deps, trx, { kind: body.kind as RequestKind, email: body.email!, channel: body.channel as RequestChannel, ...(body.note ? { note: body.note } : {}), staff }));
        if (!entered.matched) {
          const notice = `We hold no data under that address. Request ${entered.request.number} is recorded as answered: tell the person we hold nothing about them.`;
          return sendPage(request, reply, await listPage(1, notice));
        }
        return redirectWithFlash(reply, `/staff/requests/${entered.request.number}`, 'rights.request-entered');
      },
      () => checkRequestFields({ email: textOf(request.body, 'email'), channel: textOf(request.body, 'channel'), note: textOf(request.body, 'note') }),
    );
  });

  app.get<{ Params: { number: string } }>('/staff/requests/:number', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!staff) return reply;
    const r = await requestByNumber(app.db, request.params.number);
    return show(request, reply, r, staff);
  });

  // What each step's form carries (the others carry only their CSRF field).
  const stepBodies: Record<string, object> = {
    evidence: textForm({ evidence: 40 }),
    reject: textForm({ outcome: 40 }),
    note: textForm({ note: 10_000 }),
    'carry-out': textForm({ [CONFIRM_FIELD]: 1 }),
  };

  /** One step on a request: `work` runs in a transaction; a client error shows the request again with it. */
  const step = (path: string, work: (trx: import('../../platform/db/database.ts').Db, r: RightsRequest, staff: StaffMember, body: Body) => Promise<string>) =>
    app.post<{ Params: { number: string } }>(
      `/staff/requests/:number/${path}`,
      { schema: { hide: true, params: numberParams, body: stepBodies[path] ?? emptyBody }, attachValidation: true },
      async (request, reply) => {
        const staff = await staffOf(request, reply);
        if (!staff) return reply;
        const r = await requestByNumber(app.db, request.params.number);
        try {
          if (validationProblem(request)) throw validationProblem(request);
          // Erasing cannot be undone: the first post of a deletion asks first.
          if (path === 'carry-out' && r.kind === 'deletion' && r.status === 'open' && !isConfirmed(request.body)) {
            return sendPage(request, reply, confirmDeletionPage(r, accounts.formToken(request, reply)));
          }
          const notice = await app.db.transaction().execute(async (trx) => work(trx, await requestById(trx, r.id, true), staff, (request.body ?? {}) as Body));
          return show(request, reply, await requestById(app.db, r.id), staff, { notice });
        } catch (err) {
          const { errors, status } = formErrors(err);
          return show(request, reply, await requestById(app.db, r.id), staff, { notice: Object.values(errors).join(' '), state: state(request, reply)({ errors }) }, status);
        }
      },
    );

  const actorOf = (s: StaffMember) => s.actor;
  step('resend', async (trx, r, s) => {
    await mailVerification(deps, trx, r, actorOf(s));
    return 'The confirmation link is mailed again.';
  });
  step('evidence', async (trx, r, s, body) => {
    if (!evidenceKinds.includes(body.evidence as EvidenceKind)) throw validationError('evidence', `must be one of ${evidenceKinds.join(', ')}`);
    await verifyRequest(deps, trx, r.id, { verification: 'evidence', evidence: body.evidence as EvidenceKind }, actorOf(s));
    return 'The person is verified; the request is open.';
  });
  step('carry-out', (trx, r, s) => carryOut(deps, trx, r, s));
  step('done', async (trx, r, s) => {
    if (r.kind !== 'correction' || r.status !== 'open') throw new AppError('CONFLICT', 'Only an open correction is marked done by hand.');
    await closeRequest(deps, trx, r.id, 'completed', 'done', actorOf(s));
    return 'The request is closed as done.';
  });
  step('reject', async (trx, r, s, body) => {
    if (!rejectionOutcomes.includes(body.outcome as (typeof rejectionOutcomes)[number])) throw validationError('outcome', `must be one of ${rejectionOutcomes.join(', ')}`);
    await rejectRequest(deps, trx, r.id, body.outcome as (typeof rejectionOutcomes)[number], actorOf(s));
    return 'The request is refused; tell the person why.';
  });
  step('note', async (trx, r, s, body) => {
    await addNote(deps, trx, r, body.note ?? '', actorOf(s));
    return 'The note is added.';
  });
  step('retry', async (trx, r, s) => {
    await retryDeletion(trx, r, actorOf(s));
    return 'The deletion is tried again.';
  });
  step('call-off', async (trx, r, s) => {
    await callOffDeletion(deps, trx, r.id, actorOf(s));
    return 'The deletion is called off and the account is open again. Tell the person.';
  });

  // ---- The person's data, for a correction request.
  // What the person corrects in the centre, and the records they ask us to correct, of the categories the member's role may see.
  const correctableItems = async (r: RightsRequest, s: StaffMember): Promise<DeskItem[]> => {
    if (!r.subject_id || r.kind !== 'correction' || r.status !== 'open') throw new AppError('CONFLICT', `Request ${r.number} is not an open correction.`);
    const role = deps.kernel.map.roles.get(s.role);
    const categories = [...CORRECTABLE, ...recordCategories].filter((c) => role?.categories.has(c));
    const { items } = await deps.kernel.read(app.db, { subject: r.subject_id, actor: actorOf(s), purpose: RIGHTS_PURPOSE, categories });
    return items.flatMap((item): DeskItem[] => {
      if (canCorrect(item)) return [{ item, fields: fieldsOf(item.category), valueOf: (input) => valueFromInput(item.category, input) }];
      const fields = recordFields(item);
      return fields ? [{ item, fields, valueOf: (input) => recordValue(item, input) }] : [];
    });
  };
  const dataPage = async (request: FastifyRequest, reply: FastifyReply, r: RightsRequest, s: StaffMember, notice?: string, status = 200, failed?: { item: string; state: FormState }) => {
    const items = await correctableItems(r, s);
    return sendPage(
      request,
      reply,
      personDataPage({
        request: r,
        items,
        orders: await orderNumbers(app.db, orderIdsOf(items.map((i) => i.item.ref))),
        map: deps.kernel.map,
        csrf: accounts.formToken(request, reply),
        ...(notice ? { notice } : {}),
        ...(failed ? { failed } : {}),
      }),
      status,
    );
  };
  app.get<{ Params: { number: string } }>('/staff/requests/:number/data', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!staff) return reply;
    return dataPage(request, reply, await requestByNumber(app.db, request.params.number), staff);
  });
  app.post<{ Params: { number: string; item: string } }>(
    '/staff/requests/:number/data/:item',
    {
      schema: {
        hide: true,
        params: { type: 'object', required: ['number', 'item'], properties: { number: numberParams.properties.number, item: { type: 'string', format: 'uuid' } } },
        body: textForm(Object.fromEntries([...correctionFields, ...recordFieldNames].map((f) => [f, 1000]))),
      },
    },
    async (request, reply) => {
      const staff = await staffOf(request, reply);
      if (!staff) return reply;
      const r = await requestByNumber(app.db, request.params.number);
      const found = (await correctableItems(r, staff)).find((i) => i.item.id === request.params.item);
      if (!found) throw new AppError('NOT_FOUND', 'There is no such item to correct.');
      const { item } = found;
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        const value = found.valueOf(body);
        const done = await app.db
          .transaction()
          .execute((trx) => correct(deps, trx, { subject: r.subject_id!, item: item.id, value, actor: actorOf(staff), source: 'staff', channel: r.channel, request: r }));
        return dataPage(request, reply, r, staff, `Corrected.${done.notices.length ? ` Recipients told: ${done.notices.map((n) => n.recipientName).join(', ')}.` : ''}`);
      } catch (err) {
        const { errors, status } = formErrors(err);
        return dataPage(
          request,
          reply,
          r,
          staff,
          Object.entries(errors)
            .map(([f, m]) => `${f}: ${m}`)
            .join(' '),
          status,
          { item: item.id, state: state(request, reply)({ errors, values: formValues(body, found.fields) }) },
        );
      }
    },
  );

  // ---- The public pages of the mailed links.
  app.get<{ Querystring: { token?: string } }>(
    '/privacy/requests/confirm',
    { schema: { hide: true, querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } } },
    async (request, reply) => {
      const token = request.query.token ?? '';
      const id = await requestOfLink(app.db, token, 'verify', now());
      if (!id) throw new AppError('LINK_INVALID');
      const r = await requestById(app.db, id);
      return sendPage(request, reply, confirmRequestPage({ token, csrf: accounts.formToken(request, reply), kind: kindLabels[r.kind], number: r.number }));
    },
  );

  app.post('/privacy/requests/confirm', formRoute(tokenBody), async (request, reply) => {
    if (validationProblem(request)) throw new AppError('LINK_INVALID');
    const number = await app.db.transaction().execute(async (trx) => {
      const id = await requestOfLink(trx, (request.body as Body).token!, 'verify', now(), true);
      if (!id) throw new AppError('LINK_INVALID');
      const r = await requestById(trx, id, true);
      await verifyRequest(deps, trx, id, { verification: 'email-link' }, r.subject_id ? selfActor(r.subject_id) : systemActor('rights.link'));
      return r.number;
    });
    return sendPage(request, reply, requestConfirmedPage(number));
  });

  app.get<{ Querystring: { token?: string } }>(
    '/privacy/your-data',
    { schema: { hide: true, querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } } },
    async (request, reply) => {
      const token = request.query.token ?? '';
      if (!(await requestOfLink(app.db, token, 'download', now()))) throw new AppError('LINK_INVALID');
      return sendPage(request, reply, yourDataLinkPage({ token, csrf: accounts.formToken(request, reply) }));
    },
  );

  app.post('/privacy/your-data', formRoute(tokenBody), async (request, reply) => {
    if (validationProblem(request)) throw new AppError('LINK_INVALID');
    const body = request.body as Body;
    const id = await requestOfLink(app.db, body.token!, 'download', now());
    const r = id ? await requestById(app.db, id) : null;
    if (!r?.subject_id) throw new AppError('LINK_INVALID');
    // Whoever holds the link proved they read the person's mail: they act as the person.
    const doc = await buildExport(deps, app.db, r.subject_id, selfActor(r.subject_id));
    if (body.format === 'json') {
      return reply
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${exportFileName(doc)}"`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(doc, null, 1));
    }
    return sendPage(request, reply, exportPage(doc, { download: html`Use the download button on the previous page to keep a copy.`, back: html`<a href="/">Back to the shop</a>` }));
  });
}
