// Reading and changing the vendors module's rows: terms versions and their acceptances, and
// suspensions. Every function takes the caller's db (its transaction).
import { type Kysely, sql } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { AppError, validationError } from '../platform/errors.ts';
import type { Acceptance, Suspension, Terms, VendorsTables } from './tables.ts';

const t = (db: Db): Kysely<VendorsTables> => tablesOf<VendorsTables>(db);

export const TERMS_MAX = 20_000;

/** The version in force: the latest published. */
export async function currentTerms(db: Db): Promise<Terms> {
  return t(db).selectFrom('vendors_terms').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
}

export async function termsVersions(db: Db): Promise<(Terms & { acceptances: number })[]> {
  const rows = await t(db)
    .selectFrom('vendors_terms as v')
    .leftJoin('vendors_terms_acceptances as a', 'a.version', 'v.version')
    .selectAll('v')
    .select((eb) => eb.fn.count<string>('a.id').as('acceptances'))
    .groupBy(['v.version', 'v.body', 'v.published_at', 'v.published_by'])
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, acceptances: Number(r.acceptances) }));
}

/** Publishes a new version (the next number); every vendor user must accept it before seeing buyer data again. */
export async function publishTerms(db: Db, body: string, by: string, now: Date): Promise<Terms> {
  const text = body.replace(/\r\n?/g, '\n').trim();
  if (text === '') throw validationError('text', 'is required');
  if (text.length > TERMS_MAX) throw validationError('text', `must be at most ${TERMS_MAX} characters`);
  // One publisher at a time: the next number is read and written under the table's lock.
  await t(db).selectFrom('vendors_terms').select('version').orderBy('version', 'desc').limit(1).forUpdate().execute();
  const current = await currentTerms(db);
  if (current.body === text) throw new AppError('VALIDATION_FAILED', 'This text is the version in force already.', [{ field: 'text', message: 'is the version in force already: change it first' }]);
  return t(db)
    .insertInto('vendors_terms')
    .values({ version: current.version + 1, body: text, published_at: now, published_by: by })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** When this user accepted `version`, or null. */
export async function acceptanceOf(db: Db, userId: string, version: number): Promise<Acceptance | null> {
  return (await t(db).selectFrom('vendors_terms_acceptances').selectAll().where('user_id', '=', userId).where('version', '=', version).executeTakeFirst()) ?? null;
}

/** Records that a vendor user accepted `version`, which must be the one in force (a newer one must be read first). */
export async function acceptTerms(db: Db, input: { userId: string; subject: string; vendorId: string; version: number; now: Date }): Promise<Acceptance> {
  const current = await currentTerms(db);
  if (input.version !== current.version) {
    throw new AppError('CONFLICT', `Version ${current.version} of the terms was published since you opened this page: read it, then accept it.`, [
      { field: 'version', message: `is not the version in force (${current.version})` },
    ]);
  }
  // A second click (or two tabs) keeps the first acceptance.
  const inserted = await t(db)
    .insertInto('vendors_terms_acceptances')
    .values({ version: input.version, vendor_id: input.vendorId, user_id: input.userId, user_subject: input.subject, accepted_at: input.now })
    .onConflict((oc) => oc.columns(['user_id', 'version']).where('user_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? (await acceptanceOf(db, input.userId, input.version))!;
}

/** What the portal gate needs on every request, in one query: the open suspension of the vendor and whether the user accepted the terms in force. */
export async function portalStanding(db: Db, vendorId: string, userId: string): Promise<{ suspended: boolean; accepted: boolean; version: number }> {
  const row = await t(db)
    .selectFrom('vendors_terms as v')
    .select((eb) => [
      'v.version',
      eb.exists(eb.selectFrom('vendors_suspensions as s').select('s.id').where('s.vendor_id', '=', vendorId).where('s.reinstated_at', 'is', null)).as('suspended'),
      eb.exists(eb.selectFrom('vendors_terms_acceptances as a').select('a.id').whereRef('a.version', '=', 'v.version').where('a.user_id', '=', userId)).as('accepted'),
    ])
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { suspended: Boolean(row.suspended), accepted: Boolean(row.accepted), version: row.version };
}

export async function openSuspensions(db: Db): Promise<Map<string, Suspension>> {
  const rows = await t(db).selectFrom('vendors_suspensions').selectAll().where('reinstated_at', 'is', null).execute();
  return new Map(rows.map((r) => [r.vendor_id, r]));
}

export async function isSuspended(db: Db, vendorId: string): Promise<boolean> {
  const row = await t(db).selectFrom('vendors_suspensions').select('id').where('vendor_id', '=', vendorId).where('reinstated_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

const vendorLockKey = (vendorId: string) => `vendors:${vendorId}`;

/**
 * In a transaction that discloses buyer data to the vendor (an order page, an export): takes the
 * vendor's lock shared, then checks it is not suspended. A suspension takes the lock exclusively,
 * so it waits for disclosures under way and every later one sees it: none slips past it.
 */
export async function holdUnsuspended(db: Db, vendorId: string): Promise<boolean> {
  await sql`select pg_advisory_xact_lock_shared(hashtextextended(${vendorLockKey(vendorId)}, 0))`.execute(db);
  return !(await isSuspended(db, vendorId));
}

/** Suspends a vendor (nothing happens when it is suspended already); false when it was. In the caller's transaction. */
export async function suspendVendor(db: Db, vendorId: string, by: string, now: Date): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${vendorLockKey(vendorId)}, 0))`.execute(db);
  const rows = await t(db)
    .insertInto('vendors_suspensions')
    .values({ vendor_id: vendorId, suspended_at: now, suspended_by: by })
    .onConflict((oc) => oc.column('vendor_id').where('reinstated_at', 'is', null).doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Lifts a vendor's open suspension; false when there was none. */
export async function reinstateVendor(db: Db, vendorId: string, by: string, now: Date): Promise<boolean> {
  const rows = await t(db)
    .updateTable('vendors_suspensions')
    .set({ reinstated_at: now, reinstated_by: by })
    .where('vendor_id', '=', vendorId)
    .where('reinstated_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function suspensionsOf(db: Db, vendorId: string): Promise<Suspension[]> {
  return t(db).selectFrom('vendors_suspensions').selectAll().where('vendor_id', '=', vendorId).orderBy('suspended_at', 'desc').orderBy('id', 'desc').limit(20).execute();
}

/** Per vendor: how many of its users accepted `version`, and when the latest did. */
export async function acceptancesOfVersion(db: Db, version: number): Promise<Map<string, { users: number; latest: Date }>> {
  const rows = await t(db)
    .selectFrom('vendors_terms_acceptances')
    .select((eb) => ['vendor_id', eb.fn.count<string>('id').as('users'), eb.fn.max('accepted_at').as('latest')])
    .where('version', '=', version)
    .groupBy('vendor_id')
    .execute();
  return new Map(rows.map((r) => [r.vendor_id, { users: Number(r.users), latest: new Date(r.latest) }]));
}
