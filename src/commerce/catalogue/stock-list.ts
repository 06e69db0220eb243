// The variants the bulk stock page lists: of products not archived, by product name and position,
// optionally narrowed by product name or SKU.
import type { Db } from '../../platform/db/database.ts';
import { catalogueDb } from './queries.ts';
import type { ProductKind, ProductStatus } from './tables.ts';

export interface StockRow {
  id: string;
  sku: string;
  variant_name: string;
  stock: number | null;
  product_id: string;
  product_name: string;
  status: ProductStatus;
  kind: ProductKind;
}

/** Variants of products not archived, by product name and position. */
function variantRows(db: Db) {
  return catalogueDb(db)
    .selectFrom('catalogue_variants as v')
    .innerJoin('catalogue_products as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.sku', 'v.name as variant_name', 'v.stock', 'p.id as product_id', 'p.name as product_name', 'p.status', 'p.kind'])
    .where('p.status', '!=', 'archived')
    .orderBy('p.name')
    .orderBy('v.position')
    .orderBy('v.sku');
}

export async function stockRows(db: Db, q: string, limit: number): Promise<StockRow[]> {
  const like = q ? `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return variantRows(db)
    .$if(like !== null, (qb) => qb.where((eb) => eb.or([eb('p.name', 'ilike', like!), eb('v.sku', 'ilike', like!)])))
    .limit(limit)
    .execute();
}

/** One vendor's variants (the vendor portal's stock page). */
export async function vendorStock(db: Db, vendorId: string, limit = 500): Promise<StockRow[]> {
  return variantRows(db).where('p.vendor_id', '=', vendorId).limit(limit).execute();
}

export interface LowStockRow {
  sku: string;
  variant_name: string;
  product_id: string;
  product_name: string;
  stock: number;
}

/** Stock-tracked variants of products on sale or in draft with `threshold` or fewer left, fewest first. */
export async function lowStock(db: Db, threshold: number, limit = 20): Promise<LowStockRow[]> {
  const rows = await catalogueDb(db)
    .selectFrom('catalogue_variants as v')
    .innerJoin('catalogue_products as p', 'p.id', 'v.product_id')
    .select(['v.sku', 'v.name as variant_name', 'p.id as product_id', 'p.name as product_name', 'v.stock'])
    .where('p.status', '!=', 'archived')
    .where('v.stock', 'is not', null)
    .where('v.stock', '<=', threshold)
    .orderBy('v.stock')
    .orderBy('p.name')
    .orderBy('v.sku')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, stock: r.stock ?? 0 }));
}
