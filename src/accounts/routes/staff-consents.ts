// Console route where staff record a consent or withdrawal a customer gave off the web, with its
// evidence. The kernel decides who may (support, owner, DPO) and lists each entry for the DPO's
// review (decision 0030); a refusal is shown on the form.
import type { FastifyInstance } from 'fastify';
import { staffActor } from '../../privacy/index.ts';
import { sendPage } from '../../web/page.ts';
import { staffConsentPage } from '../pages/staff-consents.ts';
import { formKit, formRoute } from './form-kit.ts';
import { staffPageGate } from './staff-gate.ts';

type Body = Record<string, string>;
const consentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['subject', 'purpose', 'action', 'channel', 'evidence'],
  properties: {
    subject: { type: 'string', format: 'uuid' },
    purpose: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 },
    action: { type: 'string', enum: ['grant', 'withdraw'] },
    channel: { type: 'string', enum: ['email', 'phone', 'paper', 'in-person'] },
    evidence: { type: 'string', minLength: 1, maxLength: 2000 },
  },
} as const;

export async function staffConsentRoutes(app: FastifyInstance): Promise<void> {
  const deps = app.accounts.deps;
  const gate = staffPageGate(app);
  const { state, handleForm } = formKit(app);
  const purposes = [...deps.kernel.map.purposes.values()].filter((p) => p.dataSubjects.has('customer') && (p.legalBasis === 'consent' || p.optOut)).map((p) => ({ id: p.id, name: p.name }));

  app.get('/staff/consents', { schema: { hide: true } }, async (request, reply) => {
    const session = await gate(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, staffConsentPage({ state: state(request, reply), purposes }));
  });

  app.post('/staff/consents', formRoute(consentBody), async (request, reply) => {
    const session = await gate(request, reply);
    if (!session) return reply;
    const page = (s: Parameters<typeof staffConsentPage>[0]['state']) => staffConsentPage({ state: s, purposes });
    return handleForm(request, reply, ['subject', 'purpose', 'action', 'channel', 'evidence'], page, async () => {
      const body = request.body as Body;
      const actor = staffActor(session.user.id, session.user.role!);
      const id = await app.db.transaction().execute((trx) =>
        deps.kernel.recordConsent(trx, {
          subject: body.subject!,
          purpose: body.purpose!,
          action: body.action as 'grant' | 'withdraw',
          channel: body.channel as 'email' | 'phone' | 'paper' | 'in-person',
          evidence: body.evidence!,
          actor,
        }),
      );
      return sendPage(request, reply, staffConsentPage({ state: state(request, reply), purposes, notice: `Recorded as entry ${id}: it holds from now on, and the privacy officer reviews it.` }));
    });
  });
}
