// Legal and other disclosures in the staff console (/staff/disclosures): owners and the privacy
// officer record requests, follow them, produce them once approved (an emergency at once), review
// emergencies after the fact and record a customer's CPNI authorisation. The DPO approves or
// rejects on the privacy officer's console (/staff/dpo), which links here for the details.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { staffRolesOf } from '../../accounts/index.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type ApprovalState, disclosureBases, isDisclosureBasis, isPrivacyRefusal, type StaffRole } from '../../privacy/index.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { emptyBody, formErrors, handleForm, textForm, validationProblem } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { sendPage } from '../../web/page.ts';
import { pageAt, pageQuery } from '../../web/pagination.ts';
import { acceptsOneFile } from '../../web/upload.ts';
import type { RightsDeps } from '../deps.ts';
import { disclosureRoutes } from './choices.ts';
import { produceLegalDisclosure, recordCpniAuthorisation, recordLegalDisclosure, reviewEmergency, routeOf, type Staff } from './commands.ts';
import { MAX_DOCUMENT_BYTES, readDocument, readInstrument } from './document.ts';
import { chooseRoutePage, detailPage, listPage, otherRequestPage, recordPage, type RequestView } from './pages.ts';
import { stateOf } from './states.ts';
import { emergenciesToReview, legalDisclosure, legalDisclosurePage, type LegalDisclosureRow } from './store.ts';

/** Who records and produces legal and other disclosures (the kernel still checks each read). */
export const DISCLOSURE_ROLES: readonly StaffRole[] = ['dpo', 'owner'];
const PER_PAGE = 25;
const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const text = (max: number) => ({ type: 'string', maxLength: max });
const recordBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    basis: text(40),
    recipient: text(80),
    email: text(254),
    categories: { anyOf: [text(80), { type: 'array', maxItems: 40, items: text(80) }] },
    instrument: text(500),
    document: { type: 'object' },
  },
} as const;
type RecordBody = { basis?: string; recipient?: string; email?: string; categories?: string | string[]; instrument?: string; document?: unknown };
const routeParams = { type: 'object', required: ['basis', 'recipient'], properties: { basis: text(40), recipient: text(80) } } as const;

export async function legalDisclosureRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { accounts } = app;
  const map = deps.kernel.map;
  registerFlashes(app, {
    'rights.disclosure-recorded': 'The request is recorded.',
    'rights.disclosure-reviewed': 'The emergency disclosure is marked as reviewed.',
    'rights.cpni-authorised': 'The customer’s authorisation is recorded; the privacy officer reviews it.',
  });
  const gate = async (request: FastifyRequest, reply: FastifyReply): Promise<Staff | null> => {
    const session = await accounts.staffPage(request, reply, { roles: DISCLOSURE_ROLES });
    return session ? { actor: session.actor, id: session.user.id, role: session.user.role! } : null;
  };
  const views = async (staff: Staff, rows: readonly LegalDisclosureRow[]): Promise<RequestView[]> => {
    const asked = rows.filter((r) => r.needs_approval && !r.produced_at).map((r) => r.id);
    const states = new Map<string, ApprovalState>((asked.length ? await deps.kernel.approvalStates(app.db, { actor: staff.actor, ids: asked }) : []).map((s) => [s.id, s]));
    return rows.map((row) => ({
      row,
      state: stateOf(row, states.get(row.id)),
      basisLabel: isDisclosureBasis(row.basis) ? disclosureBases[row.basis].label : row.basis,
      recipientName: map.recipients.get(row.recipient)?.name ?? row.recipient,
    }));
  };
  const formState = (request: FastifyRequest, reply: FastifyReply, extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  const showDetail = async (request: FastifyRequest, reply: FastifyReply, staff: Staff, row: LegalDisclosureRow, notice?: string, status = 200, state?: FormState) => {
    const [view] = await views(staff, [row]);
    const instrument = row.subject_id ? await readInstrument(deps.kernel, app.db, { subject: row.subject_id, actor: staff.actor, id: row.id }) : null;
    const roles = await staffRolesOf(app.db, [row.recorded_by]);
    // A legal compulsion the DPO approves carries CPNI; any other basis needs the customer's authorisation.
    const compelled = isDisclosureBasis(row.basis) && disclosureBases[row.basis].cpniWithApproval;
    const cpni = !row.produced_at && !compelled && row.categories.some((c) => map.categories.get(c)?.cpni);
    const page = detailPage({
      map,
      view: { ...view!, instrument, recordedByLabel: `${roles.get(row.recorded_by) ?? 'staff'} ${row.recorded_by.slice(0, 8)}` },
      csrf: accounts.formToken(request, reply),
      canProduce: view!.state === 'approved' || view!.state === 'emergency-ready',
      canReview: view!.state === 'awaiting-review' && staff.role === 'dpo' && row.produced_by !== staff.id,
      cpni,
      ...(notice ? { notice } : {}),
      ...(state ? { state } : {}),
    });
    return sendPage(request, reply, page, status);
  };

  app.get<{ Querystring: { page: number } }>('/staff/disclosures', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const staff = await gate(request, reply);
    if (!staff) return reply;
    let found = await legalDisclosurePage(app.db, PER_PAGE, (request.query.page - 1) * PER_PAGE);
    const at = pageAt(found.total, request.query.page, PER_PAGE);
    if (at.page !== request.query.page) found = await legalDisclosurePage(app.db, PER_PAGE, at.offset);
    const officer = staff.role === 'dpo';
    const [items, review] = await Promise.all([views(staff, found.rows), officer ? emergenciesToReview(app.db).then((rows) => views(staff, rows)) : []]);
    return sendPage(request, reply, listPage({ map, requests: { items, page: at.page, pageCount: at.pageCount }, review, officer }));
  });

  app.get('/staff/disclosures/new', { schema: { hide: true } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    return sendPage(request, reply, chooseRoutePage({ routes: disclosureRoutes(map) }));
  });

  app.get<{ Params: { basis: string; recipient: string } }>('/staff/disclosures/new/:basis/:recipient', { schema: { hide: true, params: routeParams } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    const route = routeOf(deps, request.params.basis, request.params.recipient);
    return sendPage(request, reply, recordPage({ map, route, state: formState(request, reply), chosen: [] }));
  });

  app.post<{ Body: RecordBody }>('/staff/disclosures', { config: acceptsOneFile(MAX_DOCUMENT_BYTES), attachValidation: true, schema: { hide: true, body: recordBody } }, async (request, reply) => {
    const staff = await gate(request, reply);
    if (!staff) return reply;
    const body = request.body ?? {};
    // The basis and recipient come first: without them there is no form to show again.
    const route = routeOf(deps, typeof body.basis === 'string' ? body.basis : '', typeof body.recipient === 'string' ? body.recipient : '');
    const chosen = Array.isArray(body.categories) ? body.categories : typeof body.categories === 'string' ? [body.categories] : [];
    return handleForm(
      request,
      reply,
      (extra) => formState(request, reply, extra),
      ['email', 'instrument'],
      (state) => recordPage({ map, route, state, chosen }),
      async () => {
        const row = await app.db.transaction().execute((trx) =>
          recordLegalDisclosure(deps, trx, staff, {
            basis: route.basis,
            recipient: route.recipient,
            email: body.email ?? '',
            categories: chosen,
            instrument: body.instrument ?? '',
            document: body.document,
          }),
        );
        return redirectWithFlash(reply, `/staff/disclosures/${row.id}`, 'rights.disclosure-recorded');
      },
    );
  });

  app.get<{ Params: { id: string } }>('/staff/disclosures/:id', { schema: { hide: true, params } }, async (request, reply) => {
    const staff = await gate(request, reply);
    if (!staff) return reply;
    const row = await legalDisclosure(app.db, request.params.id);
    if (row) return showDetail(request, reply, staff, row);
    // A request the shop asked itself (a credit check): the DPO console links every request here.
    const [other] = await deps.kernel.approvalStates(app.db, { actor: staff.actor, ids: [request.params.id] });
    if (!other) throw notFound('This disclosure request');
    return sendPage(
      request,
      reply,
      otherRequestPage({
        map,
        basisLabel: isDisclosureBasis(other.basis) ? disclosureBases[other.basis].label : other.basis,
        recipientName: map.recipients.get(other.recipient)?.name ?? other.recipient,
        categories: other.categories,
        decision: other.disclosure ? 'approved and used' : (other.decision ?? 'awaiting your decision'),
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/staff/disclosures/:id/document', { schema: { hide: true, params } }, async (request, reply) => {
    const staff = await gate(request, reply);
    if (!staff) return reply;
    const row = await legalDisclosure(app.db, request.params.id);
    if (!row || row.document_chunks === 0 || !row.subject_id || !row.document_type) throw notFound('This document');
    const data = await readDocument(deps.kernel, app.db, { subject: row.subject_id, actor: staff.actor, id: row.id, chunks: row.document_chunks });
    const extension = row.document_type === 'application/pdf' ? 'pdf' : row.document_type === 'image/png' ? 'png' : 'jpg';
    return reply.header('content-type', row.document_type).header('content-disposition', `attachment; filename="${row.number}.${extension}"`).header('cache-control', 'no-store').send(data);
  });

  app.post<{ Params: { id: string } }>('/staff/disclosures/:id/produce', { schema: { hide: true, params, body: emptyBody } }, async (request, reply) => {
    const staff = await gate(request, reply);
    if (!staff) return reply;
    try {
      const produced = await app.db.transaction().execute((trx) => produceLegalDisclosure(deps, trx, staff, request.params.id));
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="disclosure-${produced.request}.json"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify(produced, null, 2));
    } catch (err) {
      const row = await legalDisclosure(app.db, request.params.id);
      if (!row || !(err instanceof AppError) || err.status >= 500) throw err;
      return showDetail(request, reply, staff, row, `Not produced: ${err.message}`, isPrivacyRefusal(err) ? 403 : err.status);
    }
  });

  app.post<{ Params: { id: string } }>('/staff/disclosures/:id/review', { schema: { hide: true, params, body: emptyBody } }, async (request, reply) => {
    const staff = await gate(request, reply);
    if (!staff) return reply;
    await app.db.transaction().execute((trx) => reviewEmergency(deps, trx, staff, request.params.id));
    return redirectWithFlash(reply, `/staff/disclosures/${request.params.id}`, 'rights.disclosure-reviewed');
  });

  app.post<{ Params: { id: string } }>(
    '/staff/disclosures/:id/authorisation',
    { attachValidation: true, schema: { hide: true, params, body: textForm({ channel: 20, evidence: 500 }, ['channel', 'evidence']) } },
    async (request, reply) => {
      const staff = await gate(request, reply);
      if (!staff) return reply;
      const row = await legalDisclosure(app.db, request.params.id);
      if (!row) throw notFound('This disclosure request');
      const body = (request.body ?? {}) as { channel?: string; evidence?: string };
      try {
        const problem = validationProblem(request);
        if (problem) throw problem;
        await app.db.transaction().execute((trx) => recordCpniAuthorisation(deps, trx, staff, row.id, { channel: body.channel ?? '', evidence: body.evidence ?? '' }));
      } catch (err) {
        const { errors, status } = formErrors(err);
        const values = { channel: String(body.channel ?? ''), evidence: String(body.evidence ?? '').slice(0, 500) };
        return showDetail(request, reply, staff, row, errors[''] ? `Not recorded: ${errors['']}` : undefined, status, formState(request, reply, { errors, values }));
      }
      return redirectWithFlash(reply, `/staff/disclosures/${row.id}`, 'rights.cpni-authorised');
    },
  );
}
