// Reads of a person's ledgers (consents with their decrypted evidence, disclosures, notices to
// recipients) follow the rule of every kernel read: they name an actor and a purpose, the actor
// must be allowed that purpose for that person, and each read is an audit entry.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { validationError } from '../platform/errors.ts';
import { staffRoles, type Actor } from './actors.ts';
import { refuse } from './access/refuse.ts';
import { appendAudit } from './audit/append.ts';
import type { AuditAction } from './audit/entry.ts';
import type { KernelContext } from './context.ts';
import { consentLedger, consentState, type ConsentEntry, type ConsentState } from './consent/ledger.ts';
import { disclosuresOf, type DisclosureRecord } from './disclosure/disclose.ts';
import { noticesOf, type Notice } from './disclosure/notices.ts';

export interface LedgerReadRequest {
  subject: string;
  actor: Actor;
  purpose: string;
}

/** Consents and their evidence are the person's privacy preferences: a staff role must be allowed to see them. */
const CONSENT_CATEGORY = 'user.privacy_preferences';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validActor(actor: unknown): actor is Actor {
  if (typeof actor !== 'object' || actor === null) return false;
  const a = actor as Record<string, unknown>;
  switch (a.kind) {
    case 'self':
      return typeof a.subjectId === 'string';
    case 'staff':
      return typeof a.staffId === 'string' && (staffRoles as readonly unknown[]).includes(a.role);
    case 'vendor':
      return typeof a.vendorId === 'string';
    case 'system':
      return typeof a.job === 'string' && a.job !== '';
    default:
      return false;
  }
}

/** Refuses (audited) unless the actor may read this person's ledger under the purpose. */
async function allowLedgerRead(ctx: KernelContext, db: Db, r: LedgerReadRequest, action: AuditAction, category?: string): Promise<void> {
  // Callers that skip the types (plain JS, `as any`) are stopped here, before anything is read.
  if (typeof r !== 'object' || r === null) throw validationError('request', 'must name a subject, an actor and a purpose');
  if (!validActor(r.actor)) throw validationError('actor', 'is required: every read of personal data names who asks');
  if (typeof r.subject !== 'string' || !UUID.test(r.subject)) throw validationError('subject', 'must be a subject id');
  const base = { actor: r.actor, action, subjectId: r.subject, purpose: typeof r.purpose === 'string' ? r.purpose : null };
  if (typeof r.purpose !== 'string' || r.purpose === '') return refuse(ctx, db, base, 'unknown-purpose', 'Every read of personal data names its purpose.');
  const purpose = ctx.map.purposes.get(r.purpose);
  if (!purpose) return refuse(ctx, db, base, 'unknown-purpose', `There is no purpose ${r.purpose} in the data map.`);
  const actor = r.actor;
  switch (actor.kind) {
    case 'self':
      if (actor.subjectId !== r.subject) return refuse(ctx, db, base, 'not-own-data', 'A person may only read their own records.');
      if (!ctx.map.selfService.purposes.has(purpose.id)) return refuse(ctx, db, base, 'role-may-not-use-purpose', `A person acting on their own data may not use the purpose ${purpose.id}.`);
      return;
    case 'staff': {
      const role = ctx.map.roles.get(actor.role);
      if (!role?.purposes.has(purpose.id)) return refuse(ctx, db, base, 'role-may-not-use-purpose', `The ${actor.role} role may not act under the purpose ${purpose.id}.`);
      if (category && !role.categories.has(category)) return refuse(ctx, db, base, 'role-may-not-see-category', `The ${actor.role} role may not see ${category}.`);
      return;
    }
    case 'vendor':
      return refuse(ctx, db, base, 'vendor-needs-disclosure', 'Vendors receive buyer data only through a ledgered disclosure for their own order.');
    case 'system':
      return;
  }
}

async function audited<T>(ctx: KernelContext, db: Db, r: LedgerReadRequest, action: AuditAction, rows: T[], categories: readonly string[] = []): Promise<T[]> {
  await appendAudit(db, [{ actor: r.actor, action, outcome: 'ok', subjectId: r.subject, purpose: r.purpose, categories, detail: { entries: rows.length } }], ctx.now());
  return rows;
}

export async function readConsentLedger(ctx: KernelContext, db: Db, r: LedgerReadRequest): Promise<ConsentEntry[]> {
  await allowLedgerRead(ctx, db, r, 'consent.read', CONSENT_CATEGORY);
  return audited(ctx, db, r, 'consent.read', await consentLedger(ctx, db, r.subject), ctx.map.categories.has(CONSENT_CATEGORY) ? [CONSENT_CATEGORY] : []);
}

export async function readConsentState(ctx: KernelContext, db: Db, r: LedgerReadRequest): Promise<ConsentState[]> {
  await allowLedgerRead(ctx, db, r, 'consent.read', CONSENT_CATEGORY);
  return audited(ctx, db, r, 'consent.read', await consentState(db, r.subject));
}

export async function readDisclosures(ctx: KernelContext, db: Db, r: LedgerReadRequest & { order?: string }): Promise<DisclosureRecord[]> {
  await allowLedgerRead(ctx, db, r, 'disclosure.read');
  return audited(ctx, db, r, 'disclosure.read', await disclosuresOf(ctx, db, r.order !== undefined ? { subject: r.subject, order: r.order } : { subject: r.subject }));
}

/**
 * Who received personal data for one order, whoever its buyer is, an erased buyer included: the
 * ledger's rows are evidence and hold no personal value, so they stay readable after erasure
 * (decision 0049). Each buyer's rows are read, checked and audited as `readDisclosures` does.
 */
export async function readOrderDisclosures(ctx: KernelContext, db: Db, r: { order: string; actor: Actor; purpose: string }): Promise<DisclosureRecord[]> {
  if (typeof r.order !== 'string' || r.order.length === 0 || r.order.length > 100) throw validationError('order', 'must be 1 to 100 characters');
  const { rows } = await sql<{ subject_id: string }>`select distinct subject_id from privacy_disclosures where order_ref = ${r.order} order by subject_id`.execute(db);
  const out: DisclosureRecord[] = [];
  for (const { subject_id } of rows) out.push(...(await readDisclosures(ctx, db, { subject: subject_id, actor: r.actor, purpose: r.purpose, order: r.order })));
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}

export async function readNotices(ctx: KernelContext, db: Db, r: LedgerReadRequest): Promise<Notice[]> {
  await allowLedgerRead(ctx, db, r, 'notice.read');
  return audited(ctx, db, r, 'notice.read', await noticesOf(ctx, db, r.subject));
}
