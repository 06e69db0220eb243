// The privacy officer's complaint pages (role dpo only; other staff get 403). Every command is
// one transaction on the locked case, then a redirect back to the case (so reloading the page
// does not send an answer twice); a problem shows the case again with it named.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveSession } from '../../accounts/index.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../../privacy/index.ts';
import { formErrors, formRoute, validationProblem } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { sendPage } from '../../web/page.ts';
import { pageQuery } from '../../web/pagination.ts';
import type { RightsDeps } from '../deps.ts';
import { complaintByNumber, listComplaints } from './cases.ts';
import { readCaseFile } from './case-file.ts';
import { complaintCasePage, complaintsListPage } from './console-pages.ts';
import { closeComplaint, noteOnComplaint, reopenComplaint, replyToComplaint } from './handling.ts';
import { message, messageFromInput } from './input.ts';

const loose = { type: 'string', maxLength: 20_000 } as const;
const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: '^K-[0-9]{6,12}$' } } } as const;
// What the case page says after each command, carried across the redirect as a flash code.
const doneNotices = {
  'complaints.replied': 'The answer is on its way to the person; the complaint is answered.',
  'complaints.noted': 'The note is added.',
  'complaints.closed': 'The complaint is closed.',
  'complaints.reopened': 'The complaint is open again, with a new deadline.',
} as const;
type Done = 'replied' | 'noted' | 'closed' | 'reopened';
const COMPLAINTS_PER_PAGE = 50;

type Params = { Params: { number: string } };

export async function complaintConsoleRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { accounts } = app;
  registerFlashes(app, doneNotices);
  const dpo = (request: FastifyRequest, reply: FastifyReply) => accounts.staffPage(request, reply, { roles: ['dpo'] });
  const actorOf = (session: ActiveSession): Actor => session.actor;
  const state =
    (request: FastifyRequest, reply: FastifyReply) =>
    (extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  const casePage = async (request: FastifyRequest, reply: FastifyReply, session: ActiveSession, number: string, s: FormState, notice?: string, status = 200) => {
    const file = await readCaseFile(deps.kernel, app.db, await complaintByNumber(app.db, number), actorOf(session));
    return sendPage(request, reply, complaintCasePage({ file, state: s, staffId: session.user.id, now: deps.now(), ...(notice ? { notice } : {}) }), status);
  };

  app.get<{ Querystring: { page: number } }>('/staff/dpo/complaints', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const session = await dpo(request, reply);
    if (!session) return reply;
    const now = deps.now();
    const { active, overdue, closed } = await listComplaints(app.db, { page: request.query.page, perPage: COMPLAINTS_PER_PAGE, now });
    return sendPage(request, reply, complaintsListPage({ active, overdue, closed, deadlineDays: deps.config.rights.deadlineDays, now }));
  });

  app.get<Params>('/staff/dpo/complaints/:number', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const session = await dpo(request, reply);
    if (!session) return reply;
    return casePage(request, reply, session, request.params.number, state(request, reply)());
  });

  /** One command on a case: run in a transaction, then back to the case; a problem shows the case with it named. */
  const command = (what: string, field: string | null, done: Done, run: (db: Db, number: string, actor: Actor, text: string) => Promise<unknown>) => {
    const body = { type: 'object', additionalProperties: false, properties: field ? { [field]: loose } : {} };
    app.post<Params>(`/staff/dpo/complaints/:number/${what}`, { ...formRoute(body), schema: { hide: true, body, params: numberParams } }, async (request, reply) => {
      const session = await dpo(request, reply);
      if (!session) return reply;
      const number = request.params.number;
      const typed = field ? (request.body as Record<string, unknown> | undefined)?.[field] : undefined;
      try {
        const problem = validationProblem(request);
        if (problem) throw problem;
        const text = field ? messageFromInput(field, typed) : '';
        await app.db.transaction().execute((trx) => run(trx, number, actorOf(session), text));
        return redirectWithFlash(reply, `/staff/dpo/complaints/${number}`, `complaints.${done}`);
      } catch (err) {
        const { errors, status } = formErrors(err);
        // The text is given back whole (the form kit's formValues keeps 300 characters of a field).
        const values = field ? { [field]: message(typed).slice(0, 20_000) } : {};
        return casePage(request, reply, session, number, state(request, reply)({ values, errors }), undefined, status);
      }
    });
  };

  command('reply', 'reply', 'replied', (db, number, actor, text) => replyToComplaint(deps, db, { number, text, actor }));
  command('note', 'note', 'noted', (db, number, actor, text) => noteOnComplaint(deps, db, { number, text, actor }));
  command('close', null, 'closed', (db, number, actor) => closeComplaint(deps, db, { number, actor }));
  command('reopen', null, 'reopened', (db, number, actor) => reopenComplaint(deps, db, { number, actor }));
}
