// Bulk stock edit: many variants' stock set in one transaction, all or nothing. Every bad entry is
// named by its SKU at once; nothing is written unless all are good. Each variant whose stock
// really changes gets its own line in the change log.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { AppError, type FieldProblem } from '../../platform/errors.ts';
import { bySystem, type ChangedBy, recordChange } from './changes.ts';
import { checkStock, checkUuid } from './checks.ts';
import { fromConstraintViolation } from './constraint-errors.ts';
import { notifyCatalogueChanged } from './events.ts';
import { catalogueDb } from './queries.ts';
import { limits } from './schemas.ts';

export interface StockLevel {
  variant_id: string;
  /** A whole number of units, or null to stop counting (licences, services); anything else is refused naming the SKU. */
  stock: unknown;
}

/** Problems are named `stock.<variant id>`, the message starting with the SKU. */
export async function setStockLevels(db: Db, levels: readonly StockLevel[], by: ChangedBy = bySystem, options: { vendorId?: string } = {}): Promise<{ changed: number }> {
  if (levels.length === 0) throw new AppError('VALIDATION_FAILED', 'Name at least one variant.', [{ field: '', message: 'names no variant' }]);
  if (levels.length > limits.bulkStock)
    throw new AppError('VALIDATION_FAILED', `At most ${limits.bulkStock} variants at once.`, [{ field: '', message: `at most ${limits.bulkStock} variants at once` }]);
  const problems: FieldProblem[] = [];
  const ids = levels.map((l, i) => {
    try {
      return checkUuid(`stock.${i}`, l.variant_id);
    } catch {
      problems.push({ field: `stock.${String(l.variant_id).slice(0, 36)}`, message: 'names no variant' });
      return null;
    }
  });
  const work = async (trx: Db) => {
    const cdb = catalogueDb(trx);
    const known = ids.filter((id): id is string => id !== null);
    // With `vendorId` (the vendor portal), another vendor's variant is one this vendor cannot name.
    const rows = known.length
      ? await cdb
          .selectFrom('catalogue_variants')
          .select(['id', 'sku', 'stock', 'product_id'])
          .where('id', 'in', known)
          .$if(options.vendorId !== undefined, (q) => q.where('product_id', 'in', cdb.selectFrom('catalogue_products').select('id').where('vendor_id', '=', options.vendorId!)))
          .orderBy('id')
          .forUpdate()
          .execute()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const changes: { id: string; sku: string; product: string; from: number | null; to: number | null }[] = [];
    for (const [i, level] of levels.entries()) {
      const id = ids[i];
      if (id === null || id === undefined) continue;
      const row = byId.get(id);
      if (!row) {
        problems.push({ field: `stock.${id}`, message: 'names no variant' });
        continue;
      }
      try {
        const to = checkStock('stock', level.stock);
        if (to !== row.stock) changes.push({ id, sku: row.sku, product: row.product_id, from: row.stock, to });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        problems.push({ field: `stock.${id}`, message: `${row.sku}: stock ${err.fields[0]?.message ?? 'is not valid'}` });
      }
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), problems);
    for (const c of changes) {
      await cdb.updateTable('catalogue_variants').set({ stock: c.to, updated_at: sql`now()` }).where('id', '=', c.id).execute();
      await recordChange(trx, by, { entity: 'variant', entityId: c.id, productId: c.product, action: 'changed', changes: { stock: [c.from, c.to] } });
    }
    const products = [...new Set(changes.map((c) => c.product))];
    if (products.length) {
      await cdb.updateTable('catalogue_products').set({ updated_at: sql`now()` }).where('id', 'in', products).execute();
      await notifyCatalogueChanged(trx);
    }
    return { changed: changes.length };
  };
  try {
    return db.isTransaction ? await work(db) : await db.transaction().execute(work);
  } catch (err) {
    throw fromConstraintViolation(err) ?? err;
  }
}
