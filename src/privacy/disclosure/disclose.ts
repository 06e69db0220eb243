// The disclosure ledger: the one way personal data leaves for a third party. A disclosure names the
// subject, a declared recipient, the categories (or the vendor projection), the purpose, a basis
// from the fixed list and, for fulfilment, the order. It is refused unless the recipient is
// declared to receive exactly those categories on that basis, CPNI is authorised, consent is
// recorded where the basis needs it and the DPO approved it where the basis needs that. What is
// released is returned to the caller and recorded: recipient, fields, time, basis and order.
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { actorRef, systemActor, type Actor } from '../actors.ts';
import { checkAccess } from '../access/checks.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit, auditCtesChosen } from '../audit/append.ts';
import type { AuditEntry } from '../audit/entry.ts';
import { approvalDigest, decisionDigest, disclosureDigest } from '../audit/ledger-digest.ts';
import type { KernelContext } from '../context.ts';
import { latestConsent } from '../consent/ledger.ts';
import type { Purpose, Recipient } from '../datamap/types.ts';
import type { RefusalReason } from '../refusals.ts';
import { fetchItems, type PersonalItem, type PersonalValue } from '../store/items.ts';
import { disclosureBases, isDisclosureBasis, type BasisRule, type DisclosureBasis } from './bases.ts';

export interface DisclosureRequest {
  subject: string;
  recipient: string;
  /** Which one of the recipient (a vendor id, a carrier account); recorded, not checked. */
  recipientRef?: string;
  categories?: readonly string[];
  /** For vendors: the vendor projection (P000-08). */
  projection?: string;
  purpose: string;
  basis: string;
  /** The order the disclosure completes (required for fulfilment, P001-03). */
  order?: string;
  /** The item ref to disclose (e.g. the order's shipping address); default: the current values. */
  ref?: string;
  actor: Actor;
  /** The DPO-approved request, for bases that need one. */
  approval?: string;
}

export interface Disclosure {
  id: string;
  at: Date;
  values: Record<string, PersonalValue>;
  items: PersonalItem[];
}

export interface DisclosureRecord {
  id: string;
  at: Date;
  recipient: string;
  recipientName: string;
  recipientKind: string;
  recipientRef: string;
  /** The categories that left: those the person held a value of (on rows from before decision 0049, those asked for). */
  categories: string[];
  /** The categories the disclosure asked for. */
  asked: string[];
  purpose: string;
  basis: string;
  basisLabel: string;
  order: string | null;
  /** The person was erased since: the row stays as evidence, their personal data is gone. */
  subjectErased: boolean;
}

interface Checked {
  basis: DisclosureBasis;
  rule: BasisRule;
  recipient: Recipient;
  purpose: Purpose;
  categories: string[];
}

type Check = { ok: true; value: Checked } | { ok: false; reason: RefusalReason; message: string; categories: string[] };

/** The rules that need no database, shared by requests for approval and disclosures. */
export function checkDisclosure(ctx: KernelContext, r: Omit<DisclosureRequest, 'approval'>): Check {
  const categories = [...(r.projection !== undefined ? (ctx.map.projections.get(r.projection)?.categories ?? []) : (r.categories ?? []))];
  const no = (reason: RefusalReason, message: string): Check => ({ ok: false, reason, message, categories });
  if (!isDisclosureBasis(r.basis)) {
    return no(
      'basis-unknown',
      `There is no disclosure basis ${r.basis}. Personal data is never sold or given out for mailing lists or surveys; the bases are: ${Object.keys(disclosureBases).join(', ')}.`,
    );
  }
  const rule = disclosureBases[r.basis];
  const recipient = ctx.map.recipients.get(r.recipient);
  if (!recipient) return no('unknown-recipient', `There is no recipient ${r.recipient} in the data map.`);
  if (!recipient.bases.has(r.basis) || (rule.recipientKinds.length > 0 && !(rule.recipientKinds as readonly string[]).includes(recipient.kind))) {
    return no('basis-not-for-recipient', `${recipient.id} may not receive data on the basis ${r.basis}.`);
  }
  if (!recipient.purposes.has(r.purpose)) return no('basis-not-for-recipient', `${recipient.id} does not serve the purpose ${r.purpose}.`);
  if (r.projection !== undefined && !ctx.map.projections.has(r.projection)) return no('unknown-projection', `There is no projection ${r.projection}.`);
  if (categories.length === 0) return no('unknown-category', 'Name the categories to disclose.');
  const extra = categories.filter((c) => !recipient.receives.has(c));
  if (extra.length) return no('recipient-may-not-receive', `${recipient.id} is not declared to receive ${extra.join(', ')}.`);
  if (rule.needsOrder && !r.order) return no('order-required', `A ${r.basis} disclosure must name the order it completes.`);

  let actor = r.actor;
  if (actor.kind === 'vendor') {
    const access = ctx.map.vendorAccess;
    if (recipient.id !== access.recipient || r.recipientRef !== actor.vendorId || !access.purposes.has(r.purpose) || !r.order) {
      return no('not-own-data', 'A vendor receives buyer data only for its own orders, as that vendor, for fulfilment or support.');
    }
    if (r.projection !== undefined && ctx.map.projections.get(r.projection)?.audience !== 'vendor') return no('audience-mismatch', 'Vendors see the vendor projection only.');
    // The vendor checks are done; the purpose's category rules still apply below.
    actor = systemActor(`vendor-portal`);
  }
  const access = checkAccess(ctx.map, { actor, purpose: r.purpose, subjectId: r.subject, categories, mode: 'read' });
  if (!access.ok) return no(access.reason, access.message);
  return { ok: true, value: { basis: r.basis, rule, recipient, purpose: access.purpose, categories } };
}

const baseEntry = (r: DisclosureRequest, categories: readonly string[], action: AuditEntry['action']) => ({
  actor: r.actor,
  action,
  subjectId: r.subject,
  purpose: r.purpose,
  categories,
  detail: { recipient: r.recipient, basis: r.basis, ...(r.order ? { order: r.order } : {}) },
});

export async function disclose(ctx: KernelContext, db: Db, r: DisclosureRequest): Promise<Disclosure> {
  if (r.order !== undefined && (r.order.length === 0 || r.order.length > 100)) throw validationError('order', 'must be 1 to 100 characters');
  const check = checkDisclosure(ctx, r);
  const base = baseEntry(r, check.ok ? check.value.categories : check.categories, 'disclosure');
  if (!check.ok) return refuse(ctx, db, base, check.reason, check.message);
  const { rule, recipient, purpose, categories } = check.value;

  let approvalId: string | null = null;
  let approvedCategories: string[] = [];
  if (rule.needsDpoApproval) {
    if (!r.approval) return refuse(ctx, db, base, 'dpo-approval-required', `A ${r.basis} disclosure needs the DPO's approval first.`);
    const approval = await approvedRequest(db, r.approval);
    const matches =
      approval &&
      approval.subject_id === r.subject &&
      approval.recipient === recipient.id &&
      approval.basis === r.basis &&
      approval.purpose === purpose.id &&
      (approval.order_ref ?? undefined) === r.order &&
      categories.every((c) => approval.categories.includes(c));
    if (!matches) return refuse(ctx, db, base, 'approval-invalid', 'The approval does not exist, was not approved, was used already, or covers another disclosure.');
    approvalId = r.approval;
    approvedCategories = approval.categories;
  }

  const cpni = categories.filter((c) => ctx.map.categories.get(c)?.cpni);
  const consent = rule.needsConsent || cpni.length ? await latestConsent(db, r.subject, purpose.id, recipient.id) : null;
  if (cpni.length) {
    const authorised = consent?.action === 'grant' || (rule.cpniWithApproval && cpni.every((c) => approvedCategories.includes(c)));
    if (!authorised) return refuse(ctx, db, base, 'cpni-needs-authorisation', `${cpni.join(', ')} (CPNI) is never shared with a third party without the customer's recorded authorisation.`);
  }
  if (rule.needsConsent && consent?.action !== 'grant') return refuse(ctx, db, base, 'consent-missing', `The person has not consented to disclosure to ${recipient.id}.`);

  const id = randomUUID();
  const who = actorRef(r.actor);
  const at = ctx.now();
  const ref = r.ref ?? '';
  const rowOf = (released: string[]) => ({
    id,
    at,
    subject_id: r.subject,
    recipient: recipient.id,
    recipient_ref: r.recipientRef ?? '',
    categories,
    purpose: purpose.id,
    basis: r.basis,
    order_ref: r.order ?? null,
    actor_kind: who.kind,
    actor_id: who.id,
    approval_id: approvalId,
    consent_id: consent?.action === 'grant' ? consent.id : null,
    released,
  });
  const entryOf = (released: string[]): AuditEntry => ({ ...base, outcome: 'ok', detail: { ...base.detail, disclosure_id: id, row_digest: disclosureDigest(rowOf(released)) } });
  const fetch = { subject: r.subject, purpose, categories, ...(r.ref !== undefined ? { ref: r.ref } : {}) };
  // Only the categories with a value leave; the row records them beside those asked for (0049), and
  // the read's audit entry carries the row's digest: the row is bound into the chain (0027).
  const ledgerRow = (released: RawBuilder<unknown>, from: RawBuilder<unknown>) => sql`d as (
    insert into privacy_disclosures (id, at, subject_id, recipient, recipient_ref, categories, purpose, basis, order_ref, actor_kind, actor_id, approval_id, consent_id, released)
    select ${id}::uuid, ${at}::timestamptz, g.id, ${recipient.id}::text, ${r.recipientRef ?? ''}::text, ${categories}::text[], ${purpose.id}::text, ${r.basis}::text,
      ${r.order ?? null}::text, ${who.kind}::text, ${who.id}::text, ${approvalId}::uuid, ${consent?.action === 'grant' ? consent.id : null}::bigint, ${released}
    from ${from}
  )`;
  if (categories.length <= MAX_VARIANTS) {
    // One statement: the held categories (h), the read, the entry whose digest names them, the row.
    // Every subset of the categories asked has its entry ready (at most 2^4); the statement writes the one that matches.
    const variants = subsetsOf(categories).map((released) => ({ key: released, entry: entryOf(released) }));
    const held = sql`h as (
      select array(select c.category from unnest(${categories}::text[]) with ordinality as c(category, n)
        where exists (select 1 from privacy_items i where i.subject_id = g.id and i.ref = ${ref}::text and i.category = c.category) order by c.n)::text[] as released
      from g
    )`;
    const record = await fetchItems(ctx, db, fetch, entryOf([]), {
      ctes: sql`${ledgerRow(sql`h.released`, sql`g, h`)}`,
      audit: sql`${held}, ${auditCtesChosen(variants, at, sql`h`, sql`h.released`)}`,
    });
    return { id, at, values: record.values, items: record.items };
  }
  const released = await heldCategories(db, r.subject, categories, ref);
  // The row is written by the read's own statement, when the conditions held and the categories
  // held under the ref are still those the digest names (the same snapshot as the items read).
  const record = await fetchItems(ctx, db, fetch, entryOf(released), {
    ctes: ledgerRow(
      sql`${released}::text[]`,
      sql`g where array(select c.category from unnest(${categories}::text[]) with ordinality as c(category, n)
        where exists (select 1 from privacy_items h where h.subject_id = g.id and h.ref = ${ref}::text and h.category = c.category) order by c.n) = ${released}::text[]`,
    ),
  });
  // When they differ, the statement's check (the same, on the same snapshot) wrote no row.
  if (released.join() !== categories.filter((c) => c in record.values).join()) throw new AppError('CONFLICT', 'The data changed while it was being disclosed; nothing was disclosed. Try again.');
  return { id, at, values: record.values, items: record.items };
}

/** Up to this many categories, a disclosure's statement carries an entry for each subset of them (2^n). */
const MAX_VARIANTS = 4;

/** Every subset of `items`, each in the order of `items`. */
function subsetsOf(items: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => mask & (1 << i)));
  return out;
}

/** Which of `categories` the person holds an item of under `ref`, in the order asked. */
async function heldCategories(db: Db, subject: string, categories: readonly string[], ref: string): Promise<string[]> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subject)) return []; // fetchItems refuses it
  const { rows } = await sql<{ category: string }>`${prepared}
    select category from privacy_items where subject_id = ${subject}::uuid and ref = ${ref} and category = any(${categories}::text[])`.execute(db);
  const held = new Set(rows.map((x) => x.category));
  return categories.filter((c) => held.has(c));
}

async function approvedRequest(db: Db, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await sql<{ subject_id: string; recipient: string; basis: string; purpose: string; order_ref: string | null; categories: string[] }>`
    select a.subject_id, a.recipient, a.basis, a.purpose, a.order_ref, a.categories
    from privacy_disclosure_approvals a join privacy_disclosure_decisions d on d.approval_id = a.id
    where a.id = ${id}::uuid and d.decision = 'approved'
      and not exists (select 1 from privacy_disclosures x where x.approval_id = a.id)`.execute(db);
  return rows[0] ?? null;
}

/** Asks the DPO to approve a disclosure on a basis that needs it (P000-03). Returns the request id. */
export async function requestDisclosure(ctx: KernelContext, db: Db, r: Omit<DisclosureRequest, 'approval'>): Promise<string> {
  // Asking reads nothing, so the requester's role is not checked; the DPO who discloses is.
  const check = checkDisclosure(ctx, { ...r, actor: systemActor('disclosure-request') });
  const base = baseEntry(r, check.ok ? check.value.categories : check.categories, 'disclosure.request');
  if (r.actor.kind !== 'staff') return refuse(ctx, db, base, 'not-dpo', 'Only staff may ask for a disclosure approval.');
  if (!check.ok) return refuse(ctx, db, base, check.reason, check.message);
  const id = randomUUID();
  const at = ctx.now();
  await sql`
    insert into privacy_disclosure_approvals (id, requested_at, subject_id, recipient, categories, purpose, basis, order_ref, requested_by_kind, requested_by)
    values (${id}::uuid, ${at}, ${r.subject}::uuid, ${r.recipient}, ${check.value.categories}::text[], ${r.purpose}, ${r.basis}, ${r.order ?? null}, 'staff', ${r.actor.staffId})`.execute(db);
  const row_digest = approvalDigest({
    id,
    requested_at: at,
    subject_id: r.subject,
    recipient: r.recipient,
    categories: check.value.categories,
    purpose: r.purpose,
    basis: r.basis,
    order_ref: r.order ?? null,
    requested_by_kind: 'staff',
    requested_by: r.actor.staffId,
  });
  await appendAudit(db, [{ ...base, outcome: 'ok', detail: { ...base.detail, approval_id: id, row_digest } }], at);
  return id;
}

/** The DPO approves or rejects a request; a DPO cannot approve their own request. */
export async function decideDisclosure(ctx: KernelContext, db: Db, r: { approval: string; decision: 'approved' | 'rejected'; actor: Actor }): Promise<void> {
  const base = { actor: r.actor, action: 'disclosure.decide' as const, detail: { approval_id: r.approval, decision: r.decision } };
  if (r.decision !== 'approved' && r.decision !== 'rejected') throw validationError('decision', 'must be approved or rejected');
  const { rows } = /^[0-9a-f-]{36}$/i.test(r.approval)
    ? await sql<{ subject_id: string; requested_by: string; decided: string | null }>`
        select a.subject_id, a.requested_by, d.decision as decided from privacy_disclosure_approvals a
        left join privacy_disclosure_decisions d on d.approval_id = a.id where a.id = ${r.approval}::uuid`.execute(db)
    : { rows: [] };
  const request = rows[0];
  if (!request) return refuse(ctx, db, base, 'approval-invalid', 'There is no such approval request.');
  const entry = { ...base, subjectId: request.subject_id };
  if (r.actor.kind !== 'staff' || r.actor.role !== 'dpo') return refuse(ctx, db, entry, 'not-dpo', 'Only the data protection officer decides on disclosures.');
  if (r.actor.staffId === request.requested_by) return refuse(ctx, db, entry, 'not-dpo', 'The DPO cannot approve a request they made themselves.');
  if (request.decided) return refuse(ctx, db, entry, 'approval-invalid', 'This request was already decided.');
  const at = ctx.now();
  await sql`insert into privacy_disclosure_decisions (approval_id, decision, decided_at, decided_by) values (${r.approval}::uuid, ${r.decision}, ${at}, ${r.actor.staffId})`.execute(db);
  const row_digest = decisionDigest({ approval_id: r.approval, decision: r.decision, decided_at: at, decided_by: r.actor.staffId });
  await appendAudit(db, [{ ...entry, outcome: 'ok', detail: { ...entry.detail, row_digest } }], at);
}

/** Who received this person's data (optionally for one order): recipient, fields, when and why (P002-04). */
export async function disclosuresOf(ctx: KernelContext, db: Db, r: { subject: string; order?: string }): Promise<DisclosureRecord[]> {
  const { rows } = await sql<{
    id: string;
    at: Date;
    recipient: string;
    recipient_ref: string;
    categories: string[];
    released: string[] | null;
    purpose: string;
    basis: string;
    order_ref: string | null;
    erased: boolean;
  }>`
    select d.id, d.at, d.recipient, d.recipient_ref, d.categories, d.released, d.purpose, d.basis, d.order_ref, s.status = 'erased' as erased
    from privacy_disclosures d join privacy_subjects s on s.id = d.subject_id
    where d.subject_id = ${r.subject}::uuid ${r.order !== undefined ? sql`and d.order_ref = ${r.order}` : sql``}
    order by d.at, d.id`.execute(db);
  return rows.map((row) => {
    const recipient = ctx.map.recipients.get(row.recipient);
    return {
      id: row.id,
      at: new Date(row.at),
      recipient: row.recipient,
      recipientName: recipient?.name ?? row.recipient,
      recipientKind: recipient?.kind ?? 'unknown',
      recipientRef: row.recipient_ref,
      categories: row.released ?? row.categories,
      asked: row.categories,
      purpose: row.purpose,
      basis: row.basis,
      basisLabel: isDisclosureBasis(row.basis) ? disclosureBases[row.basis].label : row.basis,
      order: row.order_ref,
      subjectErased: Boolean(row.erased),
    };
  });
}
