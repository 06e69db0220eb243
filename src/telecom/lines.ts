// Lines and network keys. Staff (owner, support) open a line for a customer found by their email:
// a service variant of the catalogue (the plan), the line's number kept as the customer's kernel
// item `user.contact.phone_number` under `telecom-line:<id>` (a number is not CPNI), the row only
// ids and state. A network key lets the network post usage; only its SHA-256 is kept.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { usersOfSubjects } from '../accounts/index.ts';
import { variantForSaleBySku, variantsForSale, type VariantForSale } from '../commerce/catalogue/index.ts';
import type { Db } from '../platform/db/database.ts';
import { checkFields, conflict, notFound, validationError } from '../platform/errors.ts';
import { type Actor, actorTag, type PrivacyKernel } from '../privacy/index.ts';
import type { SubscriptionChange } from '../subscriptions/index.ts';
import { type LineStatus, lineStatuses, telecomDb } from './tables.ts';

export const PHONE = 'user.contact.phone_number';
export const lineRef = (id: string) => `telecom-line:${id}`;
export const NETWORK_KEY_PREFIX = 'ctn_';
export const NETWORK_KEY_SHAPE = /^ctn_[A-Za-z0-9_-]{43}$/;
const NUMBER = /^\+?[0-9][0-9 ()-]{5,22}[0-9]$/;

export interface Line {
  id: string;
  subjectId: string;
  variantId: string;
  status: LineStatus;
  createdAt: Date;
}

const asLine = (r: { id: string; subject_id: string; variant_id: string; status: LineStatus; created_at: Date }): Line => ({
  id: r.id,
  subjectId: r.subject_id,
  variantId: r.variant_id,
  status: r.status,
  createdAt: new Date(r.created_at),
});

/** The purpose staff store a line's number under: fulfilment when their role has it, else support. */
const numberPurpose = (kernel: PrivacyKernel, actor: Actor) => (actor.kind === 'staff' && kernel.map.roles.get(actor.role)?.purposes.has('fulfillment') ? 'fulfillment' : 'support');

export async function openLine(kernel: PrivacyKernel, db: Db, input: { email: string; sku: string; number: string }, actor: Actor, now: Date): Promise<Line> {
  const email = input.email.trim();
  const sku = input.sku.trim();
  const number = input.number.trim();
  checkFields([
    () => {
      if (email.length < 3 || email.length > 254 || !email.includes('@')) throw validationError('email', 'must be the email address of the customer');
    },
    () => {
      if (!NUMBER.test(number)) throw validationError('number', 'must be a phone number (digits, spaces, an optional leading +)');
    },
  ]);
  const variant = await variantForSaleBySku(db, sku);
  if (variant?.kind !== 'service') throw validationError('sku', 'must be the SKU of a service plan in the catalogue');
  const purpose = numberPurpose(kernel, actor);
  const subjects = await kernel.findSubjects(db, { category: 'user.contact.email', value: email, actor, purpose });
  const customer = (await usersOfSubjects(db, subjects, 'customer'))[0];
  if (!customer?.subject_id) throw validationError('email', 'no customer account has this email address');
  const id = randomUUID();
  await telecomDb(db)
    .insertInto('telecom_lines')
    .values({ id, subject_id: customer.subject_id, variant_id: variant.variant_id, created_at: now, created_by: actorTag(actor) })
    .execute();
  await kernel.write(db, { subject: customer.subject_id, actor, purpose, ref: lineRef(id), values: { [PHONE]: number } });
  return { id, subjectId: customer.subject_id, variantId: variant.variant_id, status: 'active', createdAt: now };
}

export async function setLineStatus(db: Db, id: string, status: string): Promise<void> {
  if (!lineStatuses.includes(status as LineStatus)) throw validationError('status', `must be one of ${lineStatuses.join(', ')}`);
  const row = await telecomDb(db).selectFrom('telecom_lines').select('status').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This line');
  if (row.status === 'closed') throw conflict('A closed line stays closed.');
  await telecomDb(db)
    .updateTable('telecom_lines')
    .set({ status: status as LineStatus, suspended_for_payment: false })
    .where('id', '=', id)
    .execute();
}

/**
 * The subscriptions listener: a customer's lines on the plan of a subscription follow its payment
 * state. Unpaid and suspended: their active lines are suspended; paid again: the lines it
 * suspended resume (a line staff suspended stays so); ended: the lines close.
 */
export async function followSubscription(db: Db, change: SubscriptionChange): Promise<void> {
  const lines = telecomDb(db).updateTable('telecom_lines');
  if (change.status === 'suspended') {
    await lines.set({ status: 'suspended', suspended_for_payment: true }).where('subject_id', '=', change.subject).where('variant_id', '=', change.variantId).where('status', '=', 'active').execute();
  } else if (change.status === 'active') {
    await lines
      .set({ status: 'active', suspended_for_payment: false })
      .where('subject_id', '=', change.subject)
      .where('variant_id', '=', change.variantId)
      .where('status', '=', 'suspended')
      .where('suspended_for_payment', '=', true)
      .execute();
  } else {
    await lines.set({ status: 'closed', suspended_for_payment: false }).where('subject_id', '=', change.subject).where('variant_id', '=', change.variantId).where('status', '!=', 'closed').execute();
  }
}

export async function lineById(db: Db, id: string): Promise<Line | null> {
  const r = await telecomDb(db).selectFrom('telecom_lines').select(['id', 'subject_id', 'variant_id', 'status', 'created_at']).where('id', '=', id).executeTakeFirst();
  return r ? asLine(r) : null;
}

export async function linesOf(db: Db, subject: string): Promise<Line[]> {
  const rows = await telecomDb(db)
    .selectFrom('telecom_lines')
    .select(['id', 'subject_id', 'variant_id', 'status', 'created_at'])
    .where('subject_id', '=', subject)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(asLine);
}

/** The newest lines with the months each has usage for (staff page; ids and counts only). */
export async function recentLines(db: Db, limit = 100): Promise<(Line & { months: string[] })[]> {
  const rows = await telecomDb(db).selectFrom('telecom_lines').select(['id', 'subject_id', 'variant_id', 'status', 'created_at']).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  const months = await monthsOfLines(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...asLine(r), months: months.get(r.id) ?? [] }));
}

/** The months with usage of each line, newest first. */
export async function monthsOfLines(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await telecomDb(db)
    .selectFrom('telecom_usage_batches')
    .select(['line_id', 'month'])
    .distinct()
    .where('line_id', 'in', [...ids])
    .orderBy('month', 'desc')
    .execute();
  for (const r of rows) out.set(r.line_id, [...(out.get(r.line_id) ?? []), r.month]);
  return out;
}

/** The plans of these lines by variant id. */
export async function plansOf(db: Db, lines: readonly Line[]): Promise<Map<string, VariantForSale>> {
  const variants = await variantsForSale(db, [...new Set(lines.map((l) => l.variantId))]);
  return new Map(variants.map((v) => [v.variant_id, v]));
}

const digest = (key: string) => createHash('sha256').update(key).digest();

/** A new network key; returns it (shown once). */
export async function makeNetworkKey(db: Db, label: string, actor: Actor, now: Date): Promise<{ id: string; key: string }> {
  const name = label.trim();
  if (name.length < 1 || name.length > 100) throw validationError('label', 'must be 1 to 100 characters: which network element uses it');
  const id = randomUUID();
  const key = `${NETWORK_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  await telecomDb(db)
    .insertInto('telecom_network_keys')
    .values({ id, key_hash: digest(key), label: name, created_at: now, created_by: actorTag(actor) })
    .execute();
  return { id, key };
}

export async function revokeNetworkKey(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await telecomDb(db).updateTable('telecom_network_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

export async function networkKeys(db: Db): Promise<{ id: string; label: string; createdAt: Date; revokedAt: Date | null }[]> {
  const rows = await telecomDb(db).selectFrom('telecom_network_keys').select(['id', 'label', 'created_at', 'revoked_at']).orderBy('created_at', 'desc').limit(100).execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: new Date(r.created_at), revokedAt: r.revoked_at ? new Date(r.revoked_at) : null }));
}

/** The live key's id, or null. */
export async function findNetworkKey(db: Db, key: string): Promise<string | null> {
  if (!NETWORK_KEY_SHAPE.test(key)) return null;
  const row = await telecomDb(db).selectFrom('telecom_network_keys').select('id').where('key_hash', '=', digest(key)).where('revoked_at', 'is', null).executeTakeFirst();
  return row?.id ?? null;
}

/** Inserts a line without the console (demo data, bench): the caller writes its number. */
export async function insertLine(db: Db, row: { subject: string; variant: string; by: string }, now: Date): Promise<string> {
  const id = randomUUID();
  await telecomDb(db).insertInto('telecom_lines').values({ id, subject_id: row.subject, variant_id: row.variant, created_at: now, created_by: row.by }).execute();
  return id;
}
