// Notices to recipients (P000-12, P004-18): data that left through a disclosure does not come back,
// so when the person is erased or corrects an item, every recipient that received it is told to
// erase or correct its copy. The disclosure ledger says who got what; this ledger records each
// notice (recipient, categories, orders, the disclosures it follows) and, separately, how and when
// it was delivered: by a module through the recipient's API (the payment processor's `forget`),
// or by the privacy officer by mail, phone or post. Nothing personal is stored: the notice names
// orders and categories; the person is their pseudonymous subject id.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { mayActOnRights } from '../access/data-rights.ts';

export type NoticeKind = 'erasure' | 'correction';
export const deliveryChannels = ['api', 'email', 'phone', 'post', 'portal', 'other'] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

export interface Notice {
  id: string;
  at: Date;
  subject: string;
  kind: NoticeKind;
  recipient: string;
  recipientName: string;
  recipientRef: string;
  categories: string[];
  orders: string[];
  disclosures: number;
  delivered: { at: Date; channel: DeliveryChannel } | null;
}

export interface NoticeRequest {
  subject: string;
  kind: NoticeKind;
  actor: Actor;
  /** Only disclosures that included one of these categories (default: any). */
  categories?: readonly string[];
  /** Only disclosures made for this order (default: any). */
  order?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records one notice per recipient (and recipient ref) that received the person's data (what a
 * disclosure released, decision 0049; what it asked on older rows), limited
 * to the categories and order given; returns them. Recording twice records twice: callers record
 * once per erasure or correction.
 */
export async function recordNotices(ctx: KernelContext, db: Db, r: NoticeRequest): Promise<Notice[]> {
  const base = { actor: r.actor, action: 'notice.record' as const, subjectId: r.subject, purpose: 'data-rights', detail: { kind: r.kind } };
  if (!UUID.test(r.subject)) throw validationError('subject', 'must be a subject id');
  if (!mayActOnRights(ctx.map, r.actor, r.subject)) return refuse(ctx, db, base, 'role-may-not-use-purpose', 'Only the person, staff handling data-rights requests or the system tell recipients.');
  const { rows } = await sql<{ recipient: string; recipient_ref: string; categories: string[]; orders: string[]; ids: string[] }>`
    select recipient, recipient_ref,
      array_agg(distinct cat order by cat) as categories,
      array_remove(array_agg(distinct order_ref), null) as orders,
      array_agg(distinct id) as ids
    from (select d.id, d.recipient, d.recipient_ref, d.order_ref, unnest(coalesce(d.released, d.categories)) as cat from privacy_disclosures d where d.subject_id = ${r.subject}::uuid) d
    where ${r.categories?.length ? sql`cat = any(${[...r.categories]}::text[])` : sql`true`}
      and ${r.order !== undefined ? sql`order_ref = ${r.order}` : sql`true`}
    group by recipient, recipient_ref
    order by recipient, recipient_ref`.execute(db);
  const at = ctx.now();
  const who = actorRef(r.actor);
  const notices: Notice[] = [];
  for (const row of rows) {
    const id = randomUUID();
    const { categories, ids: disclosures } = row;
    await sql`
      insert into privacy_recipient_notices (id, at, subject_id, kind, recipient, recipient_ref, categories, orders, disclosures, actor_kind, actor_id)
      values (${id}::uuid, ${at}, ${r.subject}::uuid, ${r.kind}, ${row.recipient}, ${row.recipient_ref}, ${categories}::text[], ${row.orders}::text[], ${disclosures}::uuid[], ${who.kind}, ${who.id})`.execute(
      db,
    );
    notices.push({
      id,
      at,
      subject: r.subject,
      kind: r.kind,
      recipient: row.recipient,
      recipientName: ctx.map.recipients.get(row.recipient)?.name ?? row.recipient,
      recipientRef: row.recipient_ref,
      categories,
      orders: row.orders,
      disclosures: disclosures.length,
      delivered: null,
    });
  }
  await appendAudit(db, [{ ...base, outcome: 'ok', categories: r.categories ?? [], detail: { kind: r.kind, notices: notices.length } }], at);
  return notices;
}

/** Records how a notice reached its recipient; a notice is delivered once. */
export async function recordDelivery(ctx: KernelContext, db: Db, r: { notice: string; channel: DeliveryChannel; actor: Actor }): Promise<void> {
  const base = { actor: r.actor, action: 'notice.deliver' as const, detail: { notice: r.notice, channel: r.channel } };
  if (!UUID.test(r.notice)) throw validationError('notice', 'must be a notice id');
  if (!(deliveryChannels as readonly string[]).includes(r.channel)) throw validationError('channel', `must be one of ${deliveryChannels.join(', ')}`);
  const { rows } = await sql<{ subject_id: string }>`select subject_id from privacy_recipient_notices where id = ${r.notice}::uuid`.execute(db);
  const notice = rows[0];
  if (!notice) throw validationError('notice', 'no such notice');
  if (r.actor.kind === 'vendor' || (r.actor.kind === 'staff' && !ctx.map.roles.get(r.actor.role)?.purposes.has('data-rights')) || r.actor.kind === 'self') {
    return refuse(ctx, db, { ...base, subjectId: notice.subject_id }, 'not-dpo', 'Only the privacy officer, data-rights staff or the module that delivered it record a delivery.');
  }
  const who = actorRef(r.actor);
  const at = ctx.now();
  const { rows: done } = await sql<{ notice_id: string }>`
    insert into privacy_notice_deliveries (notice_id, delivered_at, channel, delivered_by_kind, delivered_by)
    values (${r.notice}::uuid, ${at}, ${r.channel}, ${who.kind}, ${who.id})
    on conflict (notice_id) do nothing returning notice_id`.execute(db);
  if (done.length) await appendAudit(db, [{ ...base, outcome: 'ok', subjectId: notice.subject_id }], at);
}

interface NoticeRow {
  id: string;
  at: Date;
  subject_id: string;
  kind: NoticeKind;
  recipient: string;
  recipient_ref: string;
  categories: string[];
  orders: string[];
  disclosures: string[];
  delivered_at: Date | null;
  channel: DeliveryChannel | null;
}

function noticeOf(ctx: KernelContext, row: NoticeRow): Notice {
  return {
    id: row.id,
    at: new Date(row.at),
    subject: row.subject_id,
    kind: row.kind,
    recipient: row.recipient,
    recipientName: ctx.map.recipients.get(row.recipient)?.name ?? row.recipient,
    recipientRef: row.recipient_ref,
    categories: row.categories,
    orders: row.orders,
    disclosures: row.disclosures.length,
    delivered: row.delivered_at && row.channel ? { at: new Date(row.delivered_at), channel: row.channel } : null,
  };
}

const selectNotices = sql`select n.id, n.at, n.subject_id, n.kind, n.recipient, n.recipient_ref, n.categories, n.orders, n.disclosures, d.delivered_at, d.channel
  from privacy_recipient_notices n left join privacy_notice_deliveries d on d.notice_id = n.id`;

/** The notices about one person, oldest first (their privacy centre and export). */
export async function noticesOf(ctx: KernelContext, db: Db, subject: string): Promise<Notice[]> {
  if (!UUID.test(subject)) return [];
  const { rows } = await sql<NoticeRow>`${selectNotices} where n.subject_id = ${subject}::uuid order by n.at, n.id`.execute(db);
  return rows.map((row) => noticeOf(ctx, row));
}

export interface PendingNoticesRequest {
  actor: Actor;
  /** One page of them, oldest first: at most `limit` (default 200, at most 1000) after skipping `offset`. */
  limit?: number;
  offset?: number;
  /** Only this notice (when it is still waiting). */
  id?: string;
}

/** Notices not yet delivered, oldest first: one page of them and how many there are, for the privacy officer (DPO and owners; audited). */
export async function pendingNotices(ctx: KernelContext, db: Db, request: PendingNoticesRequest): Promise<{ items: Notice[]; total: number }> {
  const { actor } = request;
  const base = { actor, action: 'notice.list' as const };
  if (actor.kind !== 'staff' || (actor.role !== 'dpo' && actor.role !== 'owner')) return refuse(ctx, db, base, 'not-dpo', 'Only the data protection officer and owners see the notices to deliver.');
  if (request.id !== undefined && !UUID.test(request.id)) return { items: [], total: 0 };
  const only = request.id !== undefined ? sql`and n.id = ${request.id}::uuid` : sql``;
  const limit = Math.max(1, Math.min(request.limit ?? 200, 1000));
  const offset = Math.max(0, Math.floor(request.offset ?? 0));
  const { rows: counted } = await sql<{ total: number }>`select count(*)::int as total from privacy_recipient_notices n
    left join privacy_notice_deliveries d on d.notice_id = n.id where d.notice_id is null ${only}`.execute(db);
  const { rows } = await sql<NoticeRow>`${selectNotices} where d.notice_id is null ${only} order by n.at, n.id limit ${limit} offset ${offset}`.execute(db);
  await appendAudit(db, [{ ...base, outcome: 'ok', detail: { count: rows.length } }], ctx.now());
  return { items: rows.map((row) => noticeOf(ctx, row)), total: counted[0]?.total ?? 0 };
}
