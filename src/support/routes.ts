// The requester's routes: the support form (/support), the account inbox (/account/support), a
// visitor's thread through the mailed link (/support/t/<token>), and inbound mail (POST
// /mail/inbound, the provider's parsed message, behind the same shared secret as the bounce
// webhook, decision 0058). One transaction per command; what is typed is masked before it is
// stored (P002-16).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { digestToken, TOKEN_SHAPE } from '../accounts/index.ts';
import { AppError } from '../platform/errors.ts';
import { type Actor, isPrivacyRefusal, retentionDays } from '../privacy/index.ts';
import { errorBody } from '../web/error-schema.ts';
import { formErrors, formRoute, handleForm, validationProblem } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { sendPage } from '../web/page.ts';
import { INBOUND_ACTOR, requesterActor } from './actors.ts';
import { type Found, openTicket, requesterMessage, type SupportDeps } from './commands.ts';
import { consoleRoutes } from './console-routes.ts';
import { seedDemoTickets } from './demo.ts';
import { message, messageFromInput, ticketFromInput } from './input.ts';
import { maskWarning } from './masking.ts';
import { inboxPage, requesterThreadPage, supportFormPage, ticketOpenedPage } from './pages.ts';
import { EMAIL, NAME, SUPPORT_PURPOSE, TEXT, ticketRef } from './refs.ts';
import { readThread, subjectLines } from './thread.ts';
import { findTicket, REFERENCE_PATTERN, ticketByLink, ticketsOfSubject, type Ticket } from './tickets.ts';

const loose = { type: 'string', maxLength: 20_000 } as const;
const formBody = {
  type: 'object',
  additionalProperties: false,
  properties: { name: loose, email: loose, phone: loose, order_number: loose, subject: loose, message: loose, reply_by: loose },
} as const;
const messageBody = { type: 'object', additionalProperties: false, properties: { message: loose } } as const;
const referenceParams = { type: 'object', required: ['reference'], properties: { reference: { type: 'string', pattern: REFERENCE_PATTERN } } } as const;
const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: TOKEN_SHAPE.source } } } as const;
const inboundBody = {
  type: 'object',
  required: ['from', 'subject', 'text'],
  additionalProperties: false,
  properties: {
    from: { type: 'string', minLength: 3, maxLength: 400, description: 'The sender, as `Name <address>` or the bare address.' },
    to: { type: 'string', maxLength: 400, description: 'The address it was sent to: a reply address such as support+S-000101@shop.example names its ticket.' },
    subject: { type: 'string', maxLength: 1000, description: 'The subject line; `[S-000101]` in it names the ticket.' },
    text: { type: 'string', minLength: 1, maxLength: 100_000, description: 'The plain-text body, quoted history included.' },
  },
} as const;
const inboundResponse = {
  type: 'object',
  required: ['outcome', 'masked'],
  properties: {
    outcome: { type: 'string', enum: ['appended', 'unknown-ticket', 'sender-mismatch'] },
    reference: { type: 'string' },
    masked: { type: 'boolean', description: 'A card- or SSN-like number was masked before the message was stored.' },
  },
} as const;

const sentNotices = {
  'support.sent': 'Your message is sent.',
  'support.sent-masked':
    'Your message is sent. We removed what looked like a card or social security number from it, keeping only the last four digits: please never send them, we do not need them to help you.',
} as const;

const digest = (text: string) => createHash('sha256').update(text).digest();
const REF_IN_TO = /support\+(S-[0-9]{6,12})@/i;
const REF_IN_SUBJECT = /\b(S-[0-9]{6,12})\b/;
const ADDRESS = /<([^<>\s]+@[^<>\s]+)>|([^<>\s"]+@[^<>\s"]+)/;
// Where a mail client starts quoting the earlier mail: what follows is not the new message.
const QUOTE_START = /\n(?:On .{1,200} wrote:|-{2,} ?Original Message ?-{2,}|>)/;

const found = (f: Found) => f.cards + f.ssns > 0;

export async function supportRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps: SupportDeps = { kernel: app.privacy, publicUrl: app.config.publicUrl, now: () => new Date() };
  const keptDays = retentionDays(app.privacy.map, TEXT, SUPPORT_PURPOSE).days;
  registerFlashes(app, sentNotices);
  if (app.config.demoData) {
    const made = await seedDemoTickets(deps, app.db);
    if (made) app.log.info({ tickets: made }, 'demo support tickets made');
  }

  const signedIn = async (request: FastifyRequest) => {
    const session = await accounts.session(request);
    return session?.user.kind === 'customer' && session.stage === 'full' ? session : null;
  };
  const state =
    (request: FastifyRequest, reply: FastifyReply) =>
    (extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  // ---- The support form.
  app.get('/support', { schema: { hide: true } }, async (request, reply) => {
    const session = await signedIn(request);
    // A signed-in customer starts from their own name and address (read as themselves, audited).
    const own = session ? (await app.privacy.read(app.db, { subject: session.user.subject_id, actor: session.actor, purpose: SUPPORT_PURPOSE, categories: [NAME, EMAIL], ref: '' })).values : {};
    const values = { name: typeof own[NAME] === 'string' ? own[NAME] : '', email: typeof own[EMAIL] === 'string' ? own[EMAIL] : '', reply_by: 'email' };
    return sendPage(request, reply, supportFormPage({ state: state(request, reply)({ values }), signedIn: session !== null, keptDays }));
  });

  app.post('/support', formRoute(formBody), async (request, reply) => {
    const session = await signedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // The message is given back whole (the kit keeps 300 characters of a field), so nothing typed is lost to an error.
    const text = message(body.message).slice(0, 20_000);
    return handleForm(
      request,
      reply,
      (extra) => state(request, reply)(extra),
      ['name', 'email', 'phone', 'order_number', 'subject', 'reply_by'],
      (s) => supportFormPage({ state: { ...s, values: { ...s.values, message: text } }, signedIn: session !== null, keptDays }),
      async () => {
        const ticket = ticketFromInput(body);
        const opened = await app.db.transaction().execute(async (trx) =>
          openTicket(deps, trx, {
            ticket,
            signedIn: session ? { subject: session.user.subject_id, actor: session.actor } : null,
            // Past the allowance of mail anyone can trigger (decision 0029) the ticket is opened all the same, unacknowledged.
            acknowledge: await accounts.mayMail(trx, ticket.email, request.ip),
          }),
        );
        return sendPage(request, reply, ticketOpenedPage({ reference: opened.ticket.reference, warning: maskWarning(opened.found), signedIn: session !== null, mailed: true }));
      },
    );
  });

  // ---- The account inbox.
  const ownTicket = async (session: { user: { subject_id: string } }, reference: string): Promise<Ticket> => {
    const ticket = await findTicket(app.db, reference);
    // Another person's ticket is not found, as if it did not exist.
    if (!ticket || ticket.subject_id !== session.user.subject_id) throw new AppError('NOT_FOUND', 'The support request was not found.');
    return ticket;
  };

  app.get('/account/support', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const tickets = await ticketsOfSubject(app.db, session.user.subject_id);
    return sendPage(request, reply, inboxPage({ tickets, subjects: await subjectLines(app.privacy, app.db, tickets, session.actor) }));
  });

  const threadPage = async (request: FastifyRequest, reply: FastifyReply, ticket: Ticket, actor: Actor, action: string, audience: 'account' | 'storefront', s: FormState, status = 200) =>
    sendPage(request, reply, requesterThreadPage({ thread: await readThread(app.privacy, app.db, ticket, actor), action, state: s, audience }), status);

  app.get<{ Params: { reference: string } }>('/account/support/:reference', { schema: { hide: true, params: referenceParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const ticket = await ownTicket(session, request.params.reference);
    return threadPage(request, reply, ticket, session.actor, `/account/support/${ticket.reference}`, 'account', state(request, reply)());
  });

  /** A requester's message: masked, stored, then back to the thread (the warning as its notice); a problem shows the thread with it named. */
  const post = async (request: FastifyRequest, reply: FastifyReply, ticket: Ticket, actor: Actor, channel: 'account' | 'link', back: string, audience: 'account' | 'storefront') => {
    const typed = (request.body as Record<string, unknown> | undefined)?.message;
    try {
      const problem = validationProblem(request);
      if (problem) throw problem;
      const text = messageFromInput('message', typed);
      const r = await app.db.transaction().execute((trx) => requesterMessage(deps, trx, { reference: ticket.reference, actor, channel, text }));
      return redirectWithFlash(reply, back, found(r.found) ? 'support.sent-masked' : 'support.sent');
    } catch (err) {
      const { errors, status } = formErrors(err);
      return threadPage(request, reply, ticket, actor, back, audience, state(request, reply)({ values: { message: message(typed).slice(0, 20_000) }, errors }), status);
    }
  };

  app.post<{ Params: { reference: string } }>(
    '/account/support/:reference',
    { ...formRoute(messageBody), schema: { hide: true, body: messageBody, params: referenceParams } },
    async (request, reply) => {
      const session = await accounts.customerPage(request, reply);
      if (!session) return reply;
      const ticket = await ownTicket(session, request.params.reference);
      return post(request, reply, ticket, session.actor, 'account', `/account/support/${ticket.reference}`, 'account');
    },
  );

  // ---- A visitor's thread, through the link of the latest mail (its digest is on the ticket).
  const linked = async (token: string): Promise<Ticket> => {
    const ticket = await ticketByLink(app.db, digestToken(token));
    if (!ticket) throw new AppError('LINK_INVALID', 'This link is not valid any more: use the link in our latest mail about your request, or write to us again.');
    return ticket;
  };

  app.get<{ Params: { token: string } }>('/support/t/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const ticket = await linked(request.params.token);
    return threadPage(request, reply, ticket, requesterActor(ticket.subject_id), `/support/t/${request.params.token}`, 'storefront', state(request, reply)());
  });

  app.post<{ Params: { token: string } }>('/support/t/:token', { ...formRoute(messageBody), schema: { hide: true, body: messageBody, params: tokenParams } }, async (request, reply) => {
    const ticket = await linked(request.params.token);
    return post(request, reply, ticket, requesterActor(ticket.subject_id), 'link', `/support/t/${request.params.token}`, 'storefront');
  });

  // ---- Inbound mail: the provider's parsed message, appended to the ticket its reference names.
  const secret = app.config.mailInboundSecret;
  app.post<{ Body: { from: string; to?: string; subject: string; text: string } }>(
    '/mail/inbound',
    {
      schema: {
        tags: ['mail'],
        summary:
          'Inbound mail (decision 0058): a reply to a support mail, parsed by the mail provider, with Authorization: Bearer MAIL_INBOUND_SECRET. Appended to the ticket its reply address or subject names, after masking card- and SSN-like numbers (P002-16), when it comes from the address the ticket answers to.',
        body: inboundBody,
        response: { 200: inboundResponse, 400: errorBody, 401: errorBody, 415: errorBody, 429: errorBody },
      },
    },
    async (request) => {
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (secret === null) throw new AppError('UNAUTHENTICATED', 'The inbound mail webhook is closed: set MAIL_INBOUND_SECRET.');
      if (!timingSafeEqual(digest(given), digest(secret))) throw new AppError('UNAUTHENTICATED', 'The inbound mail webhook needs Authorization: Bearer MAIL_INBOUND_SECRET.');
      const b = request.body;
      const reference = REF_IN_TO.exec(b.to ?? '')?.[1] ?? REF_IN_SUBJECT.exec(b.subject)?.[1];
      const m = ADDRESS.exec(b.from);
      const from = (m?.[1] ?? m?.[2] ?? '').toLowerCase();
      const text = b.text.replace(/\r\n?/g, '\n').split(QUOTE_START)[0]!.trim().slice(0, 4000);
      if (text === '') throw new AppError('VALIDATION_FAILED', 'text: holds no new message above the quoted mail', [{ field: 'body.text', message: 'holds no new message above the quoted mail' }]);
      return app.db.transaction().execute(async (trx) => {
        const ticket = reference ? await findTicket(trx, reference.toUpperCase(), true) : undefined;
        if (!ticket) return { outcome: 'unknown-ticket', masked: false };
        // Only the address the ticket answers to may add to it: a reference is no proof of who writes.
        let address: unknown;
        try {
          address = (await app.privacy.read(trx, { subject: ticket.subject_id, actor: INBOUND_ACTOR, purpose: SUPPORT_PURPOSE, categories: [EMAIL], ref: ticketRef(ticket.id) })).values[EMAIL];
        } catch (err) {
          if (!isPrivacyRefusal(err)) throw err;
        }
        if (typeof address !== 'string' || address.toLowerCase() !== from) return { outcome: 'sender-mismatch', reference: ticket.reference, masked: false };
        const r = await requesterMessage(deps, trx, { reference: ticket.reference, actor: INBOUND_ACTOR, channel: 'mail-in', text });
        return { outcome: 'appended', reference: ticket.reference, masked: found(r.found) };
      });
    },
  );

  await consoleRoutes(app, deps);
}
