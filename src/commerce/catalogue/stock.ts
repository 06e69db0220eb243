// What the cart and checkout need of the catalogue: the sale facts of variants (for pricing), and
// stock reservation. Reserving is all-or-nothing in one statement: the wanted rows are locked in id
// order (two buyers of the same items cannot deadlock), checked, and only if every tracked line has
// enough are they decremented, so a refusal changes nothing even inside the caller's transaction.
// Stock changes send the catalogue-changed notification, so cached product pages drop their counts.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { CATALOGUE_CHANGED } from './events.ts';
import type { BillingPeriod, ProductKind, ProductStatus } from './tables.ts';

export interface StockLine {
  variantId: string;
  quantity: number;
}

export interface VariantForSale {
  variant_id: string;
  product_id: string;
  vendor_id: string;
  sku: string;
  variant_name: string;
  product_name: string;
  product_slug: string;
  kind: ProductKind;
  status: ProductStatus;
  price_minor: number;
  currency: string;
  stock: number | null;
  /** null: bought once; 'month' or 'year': a plan (subscriptions). */
  billing_period: BillingPeriod | null;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const forSale = (ids: readonly string[]): RawBuilder<VariantForSale> => sql<VariantForSale>`
    select v.id as variant_id, v.product_id, p.vendor_id, v.sku, v.name as variant_name, p.name as product_name,
           p.slug as product_slug, p.kind, p.status, v.price_minor, v.currency, v.stock, v.billing_period
    from catalogue_variants v join catalogue_products p on p.id = v.product_id
    where v.id = any(${[...ids]}::uuid[])`;

/** The variants with these ids, with their product's name, kind and status (one query; unknown ids are absent). */
export async function variantsForSale(db: Db, ids: readonly string[]): Promise<VariantForSale[]> {
  if (ids.length === 0) return [];
  // Prepared: every add to a cart and every checkout runs it.
  const { rows } = await sql<VariantForSale>`${prepared}${forSale(ids)}`.execute(db);
  return rows;
}

/**
 * The same read as a subquery, for a statement of another module that reads the variants and acts
 * on them in one round trip (`with v as (…)`); its columns are VariantForSale's.
 */
export function variantsForSaleQuery(ids: readonly string[]): RawBuilder<VariantForSale> {
  return forSale(ids);
}

/** Sums quantities per variant, checking each line; fields are named `lines.<i>.…`. */
function wanted(lines: readonly StockLine[]): { ids: string[]; quantities: number[] } {
  const sums = new Map<string, number>();
  lines.forEach((line, i) => {
    if (typeof line.variantId !== 'string' || !uuidRe.test(line.variantId)) throw validationError(`lines.${i}.variantId`, 'must be a UUID');
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 1_000_000) {
      throw validationError(`lines.${i}.quantity`, 'must be a whole number from 1 to 1000000');
    }
    const id = line.variantId.toLowerCase();
    sums.set(id, (sums.get(id) ?? 0) + line.quantity);
  });
  return { ids: [...sums.keys()], quantities: [...sums.values()] };
}

interface ReserveRow {
  variant_id: string;
  sku: string;
  stock: number | null;
  quantity: number;
  updated: number;
}

/**
 * Takes the quantities out of stock, all or nothing. Throws OUT_OF_STOCK naming the SKUs that
 * lack units (nothing is taken then), NOT_FOUND for an unknown variant. Untracked stock (null)
 * always succeeds. Runs in the caller's transaction when given one.
 */
export async function reserveStock(db: Db, lines: readonly StockLine[]): Promise<void> {
  const { ids, quantities } = wanted(lines);
  if (ids.length === 0) return;
  const { rows } = await sql<ReserveRow>`${prepared}
    with wanted as (
      select id, quantity from unnest(${ids}::uuid[], ${quantities}::int[]) as w(id, quantity)
    ), locked as (
      select v.id, v.sku, v.stock from catalogue_variants v where v.id in (select id from wanted) order by v.id for update
    ), checked as (
      select l.id, l.sku, l.stock, w.quantity from locked l join wanted w on w.id = l.id
    ), updated as (
      update catalogue_variants v set stock = v.stock - c.quantity, updated_at = now()
      from checked c
      where v.id = c.id and c.stock is not null
        and not exists (select 1 from checked s where s.stock is not null and s.stock < s.quantity)
        and (select count(*) from checked) = (select count(*) from wanted)
      returning v.id
    ), notified as (
      select pg_notify(${CATALOGUE_CHANGED}, '') from (select 1 from updated limit 1) as any_update
    )
    select c.id as variant_id, c.sku, c.stock, c.quantity,
           (select count(*)::int from updated) as updated, (select count(*)::int from notified) as notified
    from checked c`.execute(db);
  if (rows.length < ids.length) {
    const found = new Set(rows.map((r) => r.variant_id));
    const i = lines.findIndex((l) => !found.has(l.variantId.toLowerCase()));
    const field = `lines.${i}.variantId`;
    throw new AppError('NOT_FOUND', `${field}: no variant has this id`, [{ field, message: 'no variant has this id' }]);
  }
  const short = rows.filter((r) => r.stock !== null && r.stock < r.quantity);
  if (short.length > 0) {
    const skus = short.map((r) => r.sku).sort();
    throw new AppError(
      'OUT_OF_STOCK',
      `Not enough in stock: ${skus.join(', ')}`,
      short.map((r) => ({ field: `lines.${lines.findIndex((l) => l.variantId.toLowerCase() === r.variant_id)}.quantity`, message: `${r.sku}: only ${r.stock} left` })),
    );
  }
}

/** Puts the quantities back (a cancelled or abandoned order). Untracked stock is left alone. */
export async function releaseStock(db: Db, lines: readonly StockLine[]): Promise<void> {
  const { ids, quantities } = wanted(lines);
  if (ids.length === 0) return;
  await sql`
    with wanted as (
      select id, quantity from unnest(${ids}::uuid[], ${quantities}::int[]) as w(id, quantity)
    ), updated as (
      update catalogue_variants v set stock = v.stock + w.quantity, updated_at = now()
      from wanted w where v.id = w.id and v.stock is not null
      returning v.id
    )
    select pg_notify(${CATALOGUE_CHANGED}, '') from (select 1 from updated limit 1) as any_update`.execute(db);
}

/** The variant with this SKU, as variantsForSale gives it, or undefined. */
export async function variantForSaleBySku(db: Db, sku: string): Promise<VariantForSale | undefined> {
  const { rows } = await sql<{ id: string }>`select id from catalogue_variants where sku = ${sku}`.execute(db);
  return rows[0] ? (await variantsForSale(db, [rows[0].id]))[0] : undefined;
}
