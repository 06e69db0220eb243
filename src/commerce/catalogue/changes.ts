// The catalogue's change log: every command writes one row per record it creates, changes or
// removes, in its own transaction, naming who made the change (a staff member, or the shared API
// token, the CLI or the system) and, for business fields, old → new. The product page's History
// section reads it back.
import type { Db } from '../../platform/db/database.ts';
import { catalogueDb } from './queries.ts';
import type { Change, ChangeAction, ChangeEntity, ChangeVia, FieldChanges } from './tables.ts';

/** Who makes a change: `staffId` is the signed-in staff member (accounts' user id), absent for the shared token, the CLI and the system. */
export interface ChangedBy {
  via: ChangeVia;
  staffId?: string | null;
  /** For `via: 'vendor'`: the vendor whose portal user made the change. */
  vendorId?: string | null;
}

/** Changes no person made: the demo seed and tests. */
export const bySystem: ChangedBy = Object.freeze({ via: 'system' });

export interface ChangeRecord {
  entity: ChangeEntity;
  entityId: string;
  productId?: string | null;
  action: ChangeAction;
  changes: FieldChanges;
}

export async function recordChange(trx: Db, by: ChangedBy, change: ChangeRecord): Promise<void> {
  await catalogueDb(trx)
    .insertInto('catalogue_changes')
    .values({
      staff_id: by.staffId ?? null,
      via: by.via,
      vendor_id: by.vendorId ?? null,
      entity: change.entity,
      entity_id: change.entityId,
      product_id: change.productId ?? null,
      action: change.action,
      changes: JSON.stringify(change.changes),
    })
    .execute();
}

const comparable = (v: unknown) => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/** The fields of `fields` whose value differs between `before` and `after`, as [old, new]. */
export function diff<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): FieldChanges {
  const out: FieldChanges = {};
  for (const f of fields) {
    const [a, b] = [comparable(before[f]), comparable(after[f])];
    if (a !== b) out[f] = [a, b];
  }
  return out;
}

/** What a new or removed record holds, as [null, value] or [value, null]. */
export function snapshot<T extends object>(row: T, fields: readonly (keyof T & string)[], side: 'created' | 'removed'): FieldChanges {
  const out: FieldChanges = {};
  for (const f of fields) out[f] = side === 'created' ? [null, comparable(row[f])] : [comparable(row[f]), null];
  return out;
}

/** The newest changes of a product and its variants, newest first. */
export async function productHistory(db: Db, productId: string, limit = 50): Promise<Change[]> {
  return catalogueDb(db).selectFrom('catalogue_changes').selectAll().where('product_id', '=', productId).orderBy('id', 'desc').limit(limit).execute();
}

/** The newest changes of one vendor or category, newest first. */
export async function entityHistory(db: Db, entityId: string, limit = 20): Promise<Change[]> {
  return catalogueDb(db).selectFrom('catalogue_changes').selectAll().where('entity_id', '=', entityId).orderBy('id', 'desc').limit(limit).execute();
}
