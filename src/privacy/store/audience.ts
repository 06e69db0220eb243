// Who a contacting purpose may reach now (a campaign's recipients): one page of subject ids, in id
// order, whose conditions for the purpose hold at this moment (status, kind, consent or opt-out,
// new use) and who have an email address under ref ''. One statement per page, whatever the page
// size: the same SQL conditions the read checks (conditions.ts), so the list and a later read agree
// unless something changed in between, and then the read (at send time) wins.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { checkAccess } from '../access/checks.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { conditionsOf, conditionsSql } from './conditions.ts';

export interface AudienceRequest {
  actor: Actor;
  /** A purpose that contacts people (`communication` in the data map). */
  purpose: string;
  /** The last subject id of the previous page (none: the first page). */
  after?: string;
  /** At most 1000; default 500. */
  limit?: number;
  /**
   * Only people whose choice is at least this old: their latest grant of the purpose, or, without
   * one (an opt-out purpose they never touched), the day their record was made, at or before it
   * (the yearly opt-out reminder, P002-09).
   */
  choiceBefore?: Date;
  /**
   * A notice under a purpose that does not contact people on its own (a sale of the shop): only
   * active people, whatever the purpose allows otherwise (decision 0053).
   */
  notice?: boolean;
}

const EMAIL = 'user.contact.email';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function audienceOf(ctx: KernelContext, db: Db, request: AudienceRequest): Promise<string[]> {
  const { actor, purpose: purposeId } = request;
  const limit = request.limit ?? 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw validationError('limit', 'must be a whole number from 1 to 1000');
  if (request.after !== undefined && !UUID.test(request.after)) throw validationError('after', 'must be a subject id');
  if (request.choiceBefore !== undefined && Number.isNaN(request.choiceBefore.getTime())) throw validationError('choiceBefore', 'must be a date');
  const base = { actor, action: 'data.lookup' as const, purpose: purposeId, categories: [EMAIL] };
  if (actor.kind === 'self' || actor.kind === 'vendor') return refuse(ctx, db, base, 'not-own-data', 'Only staff and the system may list whom a purpose reaches.');
  const access = checkAccess(ctx.map, { actor, purpose: purposeId, subjectId: '', categories: [EMAIL], mode: 'read' });
  if (!access.ok) return refuse(ctx, db, base, access.reason, access.message);
  if (!access.purpose.communication && !request.notice) return refuse(ctx, db, base, 'role-may-not-use-purpose', `The purpose ${purposeId} does not contact people.`);
  const conditions = conditionsOf(ctx, access.purpose, 'read');
  const { rows } = await sql<{ id: string }>`
    select s.id from privacy_subjects s join privacy_subject_keys k on k.subject_id = s.id
    where ${request.after ? sql`s.id > ${request.after}::uuid and ` : sql``}${request.notice ? sql`s.status = 'active' and ` : sql``}${conditionsSql(access.purpose.id, conditions, [EMAIL])}
      and exists (select 1 from privacy_items i where i.subject_id = s.id and i.category = ${EMAIL} and i.ref = '')
      ${
        request.choiceBefore
          ? sql`and coalesce(
              (select max(c.recorded_at) from privacy_consents c where c.subject_id = s.id and c.purpose = ${purposeId} and c.action = 'grant'),
              s.created_at) <= ${request.choiceBefore}`
          : sql``
      }
    order by s.id limit ${limit}`.execute(db);
  const ids = rows.map((r) => r.id);
  await appendAudit(db, [{ ...base, outcome: 'ok', subjectId: null, detail: { audience: ids.length } }], ctx.now());
  return ids;
}
