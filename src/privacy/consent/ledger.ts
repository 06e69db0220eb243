// The consent ledger (P003-06, P003-09): append-only grants and withdrawals per subject and
// purpose (and, for disclosures such as a CPNI authorisation, per recipient), with the channel,
// time, who recorded it, the policy version shown and encrypted evidence. The current state is
// derived from the ledger (latest entry wins); nothing else stores it.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import { actorRef, type Actor, type StaffRole } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import { consentDigest } from '../audit/ledger-digest.ts';
import type { KernelContext } from '../context.ts';
import { evidenceAad, open, seal } from '../crypto/envelope.ts';
import { currentPolicyVersion, dataKeyOf } from '../store/subjects.ts';

/** How a choice reached the shop; `gpc` and `dnt` are a browser's opt-out signal (signal.ts), never given to recordConsent. */
export const consentChannels = ['web', 'email', 'phone', 'paper', 'in-person', 'gpc', 'dnt'] as const;
const signalChannels: readonly string[] = ['gpc', 'dnt'];

/**
 * Staff roles that may record a person's consent or withdrawal on their behalf, always with
 * evidence and always listed for the DPO to review (decision 0030). Other roles are refused.
 */
export const CONSENT_RECORDING_ROLES: readonly StaffRole[] = ['support', 'owner', 'dpo'];
export type ConsentChannel = (typeof consentChannels)[number];

export interface ConsentRequest {
  subject: string;
  purpose: string;
  action: 'grant' | 'withdraw';
  channel: ConsentChannel;
  actor: Actor;
  /** What proves it: the form version ticked, a reference to the signed paper, a call note. Encrypted. */
  evidence?: string;
  /** For consent to a disclosure (e.g. a CPNI authorisation): the recipient it names. */
  recipient?: string;
}

export interface ConsentEntry {
  id: number;
  purpose: string;
  recipient: string;
  action: 'grant' | 'withdraw';
  channel: ConsentChannel;
  recordedAt: Date;
  recordedByKind: string;
  recordedBy: string;
  policyVersion: string;
  evidence: string | null;
}

export interface ConsentState {
  purpose: string;
  recipient: string;
  state: 'granted' | 'withdrawn';
  since: Date;
  channel: ConsentChannel;
  policyVersion: string;
}

export async function recordConsent(ctx: KernelContext, db: Db, request: ConsentRequest): Promise<number> {
  const { subject, purpose, action, channel, actor } = request;
  const recipient = request.recipient ?? '';
  const auditAction = action === 'grant' ? ('consent.grant' as const) : ('consent.withdraw' as const);
  const base = { actor, action: auditAction, subjectId: subject, purpose, detail: { channel, recipient } };
  if (!ctx.map.purposes.has(purpose)) return refuse(ctx, db, base, 'unknown-purpose', `There is no purpose ${purpose} in the data map.`);
  if (recipient && !ctx.map.recipients.has(recipient)) return refuse(ctx, db, base, 'unknown-recipient', `There is no recipient ${recipient} in the data map.`);
  if (!(consentChannels as readonly string[]).includes(channel) || signalChannels.includes(channel)) {
    throw validationError('channel', `must be one of ${consentChannels.filter((c) => !signalChannels.includes(c)).join(', ')}`);
  }
  if (action !== 'grant' && action !== 'withdraw') throw validationError('action', 'must be grant or withdraw');
  if (actor.kind === 'vendor') return refuse(ctx, db, base, 'vendor-needs-disclosure', 'Vendors cannot record consent.');
  if (actor.kind === 'self' && actor.subjectId !== subject) return refuse(ctx, db, base, 'not-own-data', 'A person may only give or withdraw their own consent.');
  if (actor.kind === 'system' && action === 'grant') return refuse(ctx, db, base, 'role-may-not-record-consent', 'Only the person, or staff with evidence of what the person said, may give consent.');
  if (actor.kind === 'staff') {
    if (!CONSENT_RECORDING_ROLES.includes(actor.role)) {
      return refuse(
        ctx,
        db,
        base,
        'role-may-not-record-consent',
        `The ${actor.role} role may not record a person's consent or withdrawal; the person does, or ${CONSENT_RECORDING_ROLES.join(', ')} record it with evidence.`,
      );
    }
    if (channel === 'web') throw validationError('channel', 'staff record what a person said by email, phone, paper or in person; on the web the person chooses themself');
    if (!request.evidence?.trim()) throw validationError('evidence', 'staff must record what proves it (a signed form, a call reference, the request number)');
  }
  if (request.evidence !== undefined && request.evidence.length > 4000) throw validationError('evidence', 'must be at most 4000 characters');
  return appendConsent(ctx, db, { ...request, recipient }, base);
}

/** Writes one ledger entry (evidence sealed under the person's key) and its audit entry; the checks are the caller's. */
export async function appendConsent(
  ctx: KernelContext,
  db: Db,
  request: ConsentRequest & { recipient: string },
  base: { actor: Actor; action: 'consent.grant' | 'consent.withdraw'; subjectId: string; purpose: string; detail: Record<string, string> },
): Promise<number> {
  const { subject, purpose, action, channel, actor, recipient } = request;

  const { dataKey } = await dataKeyOf(ctx, db, subject).catch(async (err: unknown) => {
    if ((err as Error).name === 'SubjectErased') await refuse(ctx, db, base, 'erased', 'erased');
    throw err;
  });
  const evidence = request.evidence ? seal(dataKey, Buffer.from(request.evidence, 'utf8'), evidenceAad(subject, purpose, recipient)) : null;
  const who = actorRef(actor);
  const at = ctx.now();
  const version = currentPolicyVersion(ctx);
  const { rows } = await sql<{ id: number }>`
    insert into privacy_consents (subject_id, purpose, recipient, action, channel, recorded_at, recorded_by_kind, recorded_by, policy_version, evidence)
    values (${subject}::uuid, ${purpose}, ${recipient}, ${action}, ${channel}, ${at}, ${who.kind}, ${who.id}, ${version}, ${evidence})
    returning id`.execute(db);
  const id = Number(rows[0]!.id);
  const row_digest = consentDigest({
    subject_id: subject,
    purpose,
    recipient,
    action,
    channel,
    recorded_at: at,
    recorded_by_kind: who.kind,
    recorded_by: who.id,
    policy_version: version,
    evidence,
  });
  await appendAudit(db, [{ ...base, outcome: 'ok', detail: { ...base.detail, consent_id: id, policy_version: version, row_digest } }], at);
  return id;
}

/** The whole ledger of a subject, oldest first, with evidence decrypted when the key still exists. */
export async function consentLedger(ctx: KernelContext, db: Db, subject: string): Promise<ConsentEntry[]> {
  const { rows } = await sql<{
    id: number;
    purpose: string;
    recipient: string;
    action: 'grant' | 'withdraw';
    channel: ConsentChannel;
    recorded_at: Date;
    recorded_by_kind: string;
    recorded_by: string;
    policy_version: string;
    evidence: Buffer | null;
  }>`select * from privacy_consents where subject_id = ${subject}::uuid order by id`.execute(db);
  const key = rows.some((r) => r.evidence)
    ? await dataKeyOf(ctx, db, subject).then(
        (k) => k.dataKey,
        () => null,
      )
    : null;
  return rows.map((r) => ({
    id: Number(r.id),
    purpose: r.purpose,
    recipient: r.recipient,
    action: r.action,
    channel: r.channel,
    recordedAt: new Date(r.recorded_at),
    recordedByKind: r.recorded_by_kind,
    recordedBy: r.recorded_by,
    policyVersion: r.policy_version,
    evidence: r.evidence && key ? open(key, Buffer.from(r.evidence), evidenceAad(subject, r.purpose, r.recipient)).toString('utf8') : null,
  }));
}

/** The current state per purpose (and recipient), derived from the ledger. */
export async function consentState(db: Db, subject: string): Promise<ConsentState[]> {
  const { rows } = await sql<{ purpose: string; recipient: string; action: string; recorded_at: Date; channel: ConsentChannel; policy_version: string }>`
    select distinct on (purpose, recipient) purpose, recipient, action, recorded_at, channel, policy_version
    from privacy_consents where subject_id = ${subject}::uuid
    order by purpose, recipient, id desc`.execute(db);
  return rows.map((r) => ({
    purpose: r.purpose,
    recipient: r.recipient,
    state: r.action === 'grant' ? 'granted' : 'withdrawn',
    since: new Date(r.recorded_at),
    channel: r.channel,
    policyVersion: r.policy_version,
  }));
}

/** The latest consent entry for a (subject, purpose, recipient), or null. */
export async function latestConsent(db: Db, subject: string, purpose: string, recipient: string): Promise<{ id: number; action: string } | null> {
  const { rows } = await sql<{ id: number; action: string }>`
    select id, action from privacy_consents where subject_id = ${subject}::uuid and purpose = ${purpose} and recipient = ${recipient}
    order by id desc limit 1`.execute(db);
  return rows[0] ? { id: Number(rows[0].id), action: rows[0].action } : null;
}
