// The database-side conditions of a purpose: subject status and kind, consent state, and "new
// use" (data collected under a policy version older than the purpose). They are written once as
// SQL, so the fast path checks them in the same statement that reads or writes, and once as an
// explanation, run only when that statement found them unmet.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { notFound } from '../../platform/errors.ts';
import type { KernelContext } from '../context.ts';
import { policyOrder } from '../datamap/policy.ts';
import type { Purpose } from '../datamap/types.ts';
import type { RefusalReason } from '../refusals.ts';
import { subjectState } from './subjects.ts';

export interface PurposeConditions {
  statuses: string[];
  kinds: string[];
  consent: 'grant' | 'not-withdrawn' | null;
  /** Policy versions older than the purpose; items collected under them are a new use. */
  olderVersions: string[];
  /** An opt-out window: the new use is allowed once the notice was sent by this time (and no opt-out). */
  noticedBy: Date | null;
}

export function conditionsOf(ctx: KernelContext, purpose: Purpose, mode: 'read' | 'write'): PurposeConditions {
  const since = policyOrder(ctx.map, purpose.since);
  return {
    statuses: purpose.communication ? ['active'] : ['active', 'restricted'],
    kinds: [...purpose.dataSubjects],
    consent: purpose.legalBasis === 'consent' ? 'grant' : purpose.optOut ? 'not-withdrawn' : null,
    olderVersions: mode === 'read' ? ctx.map.policyVersions.slice(0, Math.max(since, 0)).map((v) => v.version) : [],
    noticedBy: purpose.priorData.choice === 'opt-out-window' ? new Date(ctx.now().getTime() - purpose.priorData.days * DAY_MS) : null,
  };
}

const DAY_MS = 86_400_000;

const latestConsent = (purpose: string) => sql`(select c.action from privacy_consents c where c.subject_id = s.id and c.purpose = ${purpose} and c.recipient = '' order by c.id desc limit 1)`;

const noticedBefore = (purpose: string, by: Date) => sql`exists (select 1 from privacy_new_use_notices n where n.subject_id = s.id and n.purpose = ${purpose} and n.sent_at <= ${by})`;

/** A boolean SQL expression over `s` (privacy_subjects) that holds when the conditions are met. */
export function conditionsSql(purpose: string, c: PurposeConditions, categories: readonly string[]): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`s.status = any(${c.statuses}::text[])`, sql`s.kind = any(${c.kinds}::text[])`];
  if (c.consent === 'grant') parts.push(sql`${latestConsent(purpose)} = 'grant'`);
  if (c.consent === 'not-withdrawn') parts.push(sql`${latestConsent(purpose)} is distinct from 'withdraw'`);
  if (c.olderVersions.length) {
    parts.push(sql`(not exists (select 1 from privacy_items o where o.subject_id = s.id and o.category = any(${[...categories]}::text[]) and o.policy_version = any(${c.olderVersions}::text[]))
      or (s.status = 'active' and (${latestConsent(purpose)} = 'grant'${c.noticedBy ? sql` or (${latestConsent(purpose)} is distinct from 'withdraw' and ${noticedBefore(purpose, c.noticedBy)})` : sql``})))`);
  }
  return sql.join(parts, sql` and `);
}

export interface Unmet {
  reason: RefusalReason | 'erased';
  message: string;
}

/** Why the conditions are not met (run after the fast path found nothing). Throws when the subject does not exist. */
export async function explainUnmet(db: Db, subjectId: string, purpose: Purpose, c: PurposeConditions, categories: readonly string[]): Promise<Unmet | null> {
  const state = await subjectState(db, subjectId);
  if (!state) throw notFound('The data subject');
  if (state.status === 'erased' || !state.key) return { reason: 'erased', message: 'This personal data has been erased.' };
  if (!c.kinds.includes(state.kind)) return { reason: 'purpose-not-for-subject-kind', message: `The purpose ${purpose.id} does not cover ${state.kind} subjects.` };
  if (!c.statuses.includes(state.status)) return { reason: 'opted-out', message: `The person opted out of all communication or deactivated; ${purpose.id} may not contact them.` };
  const { rows } = await sql<{ action: string | null; older: boolean; noticed: boolean }>`
    select ${latestConsent(purpose.id)} as action, ${c.noticedBy ? noticedBefore(purpose.id, c.noticedBy) : sql`false`} as noticed,
      exists (select 1 from privacy_items o where o.subject_id = s.id and o.category = any(${[...categories]}::text[]) and o.policy_version = any(${c.olderVersions}::text[])) as older
    from privacy_subjects s where s.id = ${subjectId}::uuid`.execute(db);
  const action = rows[0]?.action ?? null;
  if (c.consent === 'grant' && action !== 'grant') {
    return action === 'withdraw'
      ? { reason: 'consent-withdrawn', message: `The person withdrew consent to ${purpose.id}.` }
      : { reason: 'consent-missing', message: `The purpose ${purpose.id} needs the person's consent, which is not recorded.` };
  }
  if (c.consent === 'not-withdrawn' && action === 'withdraw') return { reason: 'consent-withdrawn', message: `The person opted out of ${purpose.id}.` };
  const allowed = action === 'grant' || (c.noticedBy !== null && action !== 'withdraw' && rows[0]?.noticed);
  if (rows[0]?.older && (!allowed || state.status !== 'active')) {
    if (state.status !== 'active') return { reason: 'opted-out', message: `The person opted out or deactivated; their data may not be used in the new way ${purpose.id}.` };
    return c.noticedBy
      ? {
          reason: 'new-use-needs-consent',
          message: `Some of this data was collected under a policy before ${purpose.id} existed; the person must be told and agree, or not opt out within the notice's window, first.`,
        }
      : { reason: 'new-use-needs-consent', message: `Some of this data was collected under a policy before ${purpose.id} existed; the person must be told and agree first.` };
  }
  return null;
}
