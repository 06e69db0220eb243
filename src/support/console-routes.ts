// Staff's support pages (roles support and owner; others get 403). Every command is one
// transaction on the locked ticket, then a redirect back to it (reloading does not send an answer
// twice); a problem shows the ticket again with it named.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveSession } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { Actor } from '../privacy/index.ts';
import { emptyBody, formErrors, formRoute, validationProblem } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { sendPage } from '../web/page.ts';
import { closeTicket, type Found, notePhoneCall, replyByMail, type SupportDeps } from './commands.ts';
import { ticketPage, ticketsPage } from './console-pages.ts';
import { message, messageFromInput } from './input.ts';
import { readContact, readThread, subjectLines } from './thread.ts';
import { listTickets, REFERENCE_PATTERN, ticketByReference } from './tickets.ts';

export const SUPPORT_ROLES = ['support', 'owner'] as const;
const loose = { type: 'string', maxLength: 20_000 } as const;
const referenceParams = { type: 'object', required: ['reference'], properties: { reference: { type: 'string', pattern: REFERENCE_PATTERN } } } as const;
const doneNotices = {
  'support.replied': 'Your answer is on its way by email.',
  'support.phoned': 'The call is recorded in the conversation.',
  'support.closed': 'The request is closed.',
  'support.staff-masked': 'Saved, but we removed what looked like a card or social security number from your text, keeping only the last four digits.',
} as const;

type Params = { Params: { reference: string } };

export async function consoleRoutes(app: FastifyInstance, deps: SupportDeps): Promise<void> {
  const { accounts } = app;
  registerFlashes(app, doneNotices);
  const gate = (request: FastifyRequest, reply: FastifyReply) => accounts.staffPage(request, reply, { roles: [...SUPPORT_ROLES] });
  const state =
    (request: FastifyRequest, reply: FastifyReply) =>
    (extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  const casePage = async (request: FastifyRequest, reply: FastifyReply, session: ActiveSession, reference: string, s: FormState, status = 200) => {
    const ticket = await ticketByReference(app.db, reference);
    const thread = await readThread(app.privacy, app.db, ticket, session.actor);
    const contact = await readContact(app.privacy, app.db, ticket, session.actor);
    return sendPage(request, reply, ticketPage({ thread, contact, state: s }), status);
  };

  app.get('/staff/support', { schema: { hide: true } }, async (request, reply) => {
    const session = await gate(request, reply);
    if (!session) return reply;
    const { active, closed } = await listTickets(app.db);
    const subjects = await subjectLines(app.privacy, app.db, [...active, ...closed], session.actor);
    return sendPage(request, reply, ticketsPage({ active, closed, subjects }));
  });

  app.get<Params>('/staff/support/:reference', { schema: { hide: true, params: referenceParams } }, async (request, reply) => {
    const session = await gate(request, reply);
    if (!session) return reply;
    return casePage(request, reply, session, request.params.reference, state(request, reply)());
  });

  const command = (what: string, field: string | null, done: keyof typeof doneNotices, run: (db: Db, reference: string, actor: Actor, text: string) => Promise<{ found?: Found } | unknown>) => {
    const body = field ? { type: 'object', additionalProperties: false, properties: { [field]: loose } } : emptyBody;
    app.post<Params>(`/staff/support/:reference/${what}`, { ...formRoute(body), schema: { hide: true, body, params: referenceParams } }, async (request, reply) => {
      const session = await gate(request, reply);
      if (!session) return reply;
      const reference = request.params.reference;
      const typed = field ? (request.body as Record<string, unknown> | undefined)?.[field] : undefined;
      try {
        const problem = validationProblem(request);
        if (problem) throw problem;
        const text = field ? messageFromInput(field, typed) : '';
        const r = (await app.db.transaction().execute((trx) => run(trx, reference, session.actor, text))) as { found?: Found };
        const masked = r.found !== undefined && r.found.cards + r.found.ssns > 0;
        return redirectWithFlash(reply, `/staff/support/${reference}`, masked ? 'support.staff-masked' : done);
      } catch (err) {
        const { errors, status } = formErrors(err);
        const values = field ? { [field]: message(typed).slice(0, 20_000) } : {};
        return casePage(request, reply, session, reference, state(request, reply)({ values, errors }), status);
      }
    });
  };

  command('reply', 'reply', 'support.replied', (db, reference, actor, text) => replyByMail(deps, db, { reference, actor, text }));
  command('phone', 'note', 'support.phoned', (db, reference, actor, text) => notePhoneCall(deps, db, { reference, actor, text }));
  command('close', null, 'support.closed', (db, reference) => closeTicket(deps, db, reference));
}
