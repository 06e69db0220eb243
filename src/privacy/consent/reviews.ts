// The DPO's review of consent changes staff recorded for a person (decision 0030). A staff entry
// takes effect at once (an opt-out must never wait) and stays pending until a DPO confirms it or
// reverses it; a reversal appends the entry that restores the state before it, unless the person
// has chosen again since (their own later choice stands). The DPO never reviews their own entry.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import { consentReviewDigest } from '../audit/ledger-digest.ts';
import type { KernelContext } from '../context.ts';
import { evidenceAad, open } from '../crypto/envelope.ts';
import { dataKeyOf } from '../store/subjects.ts';
import { appendConsent, type ConsentChannel } from './ledger.ts';

export interface ConsentReview {
  /** The ledger entry under review. */
  id: number;
  subject: string;
  purpose: string;
  recipient: string;
  action: 'grant' | 'withdraw';
  channel: ConsentChannel;
  recordedAt: Date;
  /** The accounts module's opaque staff id. */
  recordedBy: string;
  /** What the staff member recorded as proof; null once the person is erased. */
  evidence: string | null;
}

type Row = {
  id: number;
  subject_id: string;
  purpose: string;
  recipient: string;
  action: 'grant' | 'withdraw';
  channel: ConsentChannel;
  recorded_at: Date;
  recorded_by: string;
  evidence: Buffer | null;
};

const isDpo = (actor: Actor): actor is Extract<Actor, { kind: 'staff' }> => actor.kind === 'staff' && actor.role === 'dpo';

/** Staff-recorded consent entries no DPO has reviewed yet, oldest first, with their evidence (DPO only; audited). */
export async function pendingConsentReviews(ctx: KernelContext, db: Db, actor: Actor, limit = 200): Promise<ConsentReview[]> {
  const base = { actor, action: 'consent.review.list' as const, purpose: 'data-rights' };
  if (!isDpo(actor)) return refuse(ctx, db, base, 'not-dpo', 'Only the data protection officer reviews consents recorded by staff.');
  const { rows } = await sql<Row>`
    select c.id, c.subject_id, c.purpose, c.recipient, c.action, c.channel, c.recorded_at, c.recorded_by, c.evidence
    from privacy_consents c join privacy_subjects s on s.id = c.subject_id
    where c.recorded_by_kind = 'staff' and s.status <> 'erased'
      and not exists (select 1 from privacy_consent_reviews r where r.consent_id = c.id or r.reversal_id = c.id)
    order by c.id limit ${Math.max(1, Math.min(limit, 1000))}`.execute(db);
  const keys = new Map<string, Buffer | null>();
  for (const subject of new Set(rows.map((r) => r.subject_id))) {
    keys.set(
      subject,
      await dataKeyOf(ctx, db, subject).then(
        (k) => k.dataKey,
        () => null,
      ),
    );
  }
  const at = ctx.now();
  await appendAudit(
    db,
    [
      { ...base, outcome: 'ok', detail: { count: rows.length } },
      // Reading the evidence is reading each person's privacy preferences.
      ...[...keys.keys()].map((subject) => ({
        actor,
        action: 'consent.read' as const,
        outcome: 'ok' as const,
        subjectId: subject,
        purpose: 'data-rights',
        categories: ['user.privacy_preferences'],
        detail: { review: true },
      })),
    ],
    at,
  );
  return rows.map((r) => {
    const key = keys.get(r.subject_id) ?? null;
    return {
      id: Number(r.id),
      subject: r.subject_id,
      purpose: r.purpose,
      recipient: r.recipient,
      action: r.action,
      channel: r.channel,
      recordedAt: new Date(r.recorded_at),
      recordedBy: r.recorded_by,
      evidence: r.evidence && key ? open(key, Buffer.from(r.evidence), evidenceAad(r.subject_id, r.purpose, r.recipient)).toString('utf8') : null,
    };
  });
}

export interface ReviewRequest {
  consent: number;
  decision: 'confirmed' | 'reversed';
  actor: Actor;
}

/** The DPO confirms a staff-recorded entry, or reverses it; returns the id of the restoring entry, if one was needed. */
export async function reviewConsent(ctx: KernelContext, db: Db, r: ReviewRequest): Promise<number | null> {
  if (!Number.isSafeInteger(r.consent) || r.consent < 1) throw validationError('consent', 'must be a consent entry number');
  if (r.decision !== 'confirmed' && r.decision !== 'reversed') throw validationError('decision', 'must be confirmed or reversed');
  const base = { actor: r.actor, action: 'consent.review' as const, purpose: 'data-rights', detail: { consent_id: r.consent, decision: r.decision } };
  const { rows } = await sql<Row & { recorded_by_kind: string; reviewed: string | null; is_reversal: boolean }>`
    select c.*, rv.decision as reviewed, exists (select 1 from privacy_consent_reviews x where x.reversal_id = c.id) as is_reversal
    from privacy_consents c left join privacy_consent_reviews rv on rv.consent_id = c.id where c.id = ${r.consent}`.execute(db);
  const entry = rows[0];
  if (entry?.recorded_by_kind !== 'staff' || entry.is_reversal) return refuse(ctx, db, base, 'review-invalid', 'There is no consent recorded by staff with this number to review.');
  const about = { ...base, subjectId: entry.subject_id };
  if (!isDpo(r.actor)) return refuse(ctx, db, about, 'not-dpo', 'Only the data protection officer reviews consents recorded by staff.');
  if (r.actor.staffId === entry.recorded_by) return refuse(ctx, db, about, 'not-dpo', 'The DPO cannot review a consent they recorded themself.');
  if (entry.reviewed) return refuse(ctx, db, about, 'review-invalid', 'This entry was already reviewed.');

  let reversal: number | null = null;
  if (r.decision === 'reversed') {
    const { rows: around } = await sql<{ id: number; action: 'grant' | 'withdraw' }>`
      select id, action from privacy_consents where subject_id = ${entry.subject_id}::uuid and purpose = ${entry.purpose} and recipient = ${entry.recipient}
      order by id desc`.execute(db);
    if (Number(around[0]!.id) !== Number(entry.id)) return refuse(ctx, db, about, 'review-invalid', 'The person has chosen again since this entry; their own later choice stands.');
    // The state before the entry: the previous entry's, else the purpose's default (an opt-out
    // purpose runs until withdrawn; any other needs a grant it never had).
    const previous = around.find((a) => Number(a.id) < Number(entry.id))?.action ?? (ctx.map.purposes.get(entry.purpose)?.optOut && !entry.recipient ? 'grant' : 'withdraw');
    if (previous !== entry.action) {
      const auditAction = previous === 'grant' ? ('consent.grant' as const) : ('consent.withdraw' as const);
      reversal = await appendConsent(
        ctx,
        db,
        {
          subject: entry.subject_id,
          purpose: entry.purpose,
          recipient: entry.recipient,
          action: previous,
          channel: entry.channel,
          actor: r.actor,
          evidence: `reversed by the privacy officer on review of entry ${entry.id}`,
        },
        { actor: r.actor, action: auditAction, subjectId: entry.subject_id, purpose: entry.purpose, detail: { channel: entry.channel, recipient: entry.recipient } },
      );
    }
  }
  const at = ctx.now();
  await sql`insert into privacy_consent_reviews (consent_id, decision, decided_at, decided_by, reversal_id)
    values (${r.consent}, ${r.decision}, ${at}, ${r.actor.staffId}, ${reversal})`.execute(db);
  const row_digest = consentReviewDigest({ consent_id: r.consent, decision: r.decision, decided_at: at, decided_by: r.actor.staffId, reversal_id: reversal });
  await appendAudit(db, [{ ...about, outcome: 'ok', detail: { ...base.detail, reversal_id: reversal, row_digest } }], at);
  return reversal;
}
