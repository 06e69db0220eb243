// Lets CLI users name catalogue records the way they know them: by slug (or SKU) or by id.
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import {
  catalogueDb,
  getCategoryById,
  getCategoryBySlug,
  getProductById,
  getProductBySlug,
  getVendorById,
  getVendorBySlug,
  type ProductDetail,
  type Category,
  type Vendor,
  type ChangedBy,
} from '../../commerce/catalogue/index.ts';

/** Changes made from the command line: the change log names no person (the CLI runs with the shop stopped, as whoever holds the machine). */
export const byCli: ChangedBy = { via: 'cli' };

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function bySlugOrId<T>(value: string, byId: (id: string) => Promise<T | undefined>, bySlug: (slug: string) => Promise<T | undefined>) {
  return (uuidRe.test(value) ? await byId(value) : undefined) ?? (await bySlug(value));
}

function unknown(field: string, what: string, value: string): AppError {
  return new AppError('NOT_FOUND', `${field}: no ${what} has the slug or id "${value}"`, [{ field, message: `no ${what} has the slug or id "${value}"` }]);
}

/** The record a command acts on: unknown is a NOT_FOUND naming `field` (the positional). */
export async function findVendor(db: Db, value: string, field: string): Promise<Vendor> {
  return (
    (await bySlugOrId(
      value,
      (id) => getVendorById(db, id),
      (s) => getVendorBySlug(db, s),
    )) ?? Promise.reject(unknown(field, 'vendor', value))
  );
}

export async function findCategory(db: Db, value: string, field: string): Promise<Category> {
  return (
    (await bySlugOrId(
      value,
      (id) => getCategoryById(db, id),
      (s) => getCategoryBySlug(db, s),
    )) ?? Promise.reject(unknown(field, 'category', value))
  );
}

export async function findProduct(db: Db, value: string, field: string): Promise<ProductDetail> {
  return (
    (await bySlugOrId(
      value,
      (id) => getProductById(db, id),
      (s) => getProductBySlug(db, s),
    )) ?? Promise.reject(unknown(field, 'product', value))
  );
}

export async function findVariant(db: Db, value: string, field: string): Promise<{ id: string; product_id: string; sku: string }> {
  const row = await catalogueDb(db)
    .selectFrom('catalogue_variants')
    .select(['id', 'product_id', 'sku'])
    .where((eb) => (uuidRe.test(value) ? eb.or([eb('id', '=', value), eb('sku', '=', value)]) : eb('sku', '=', value)))
    .executeTakeFirst();
  return row ?? Promise.reject(unknown(field, 'variant', value));
}

/** A reference given as a flag (`--vendor acme`): unknown is a VALIDATION_FAILED naming the flag. */
export async function vendorIdOf(db: Db, value: string, flag: string): Promise<string> {
  const vendor = await bySlugOrId(
    value,
    (id) => getVendorById(db, id),
    (s) => getVendorBySlug(db, s),
  );
  if (!vendor) throw validationError(flag, `no vendor has the slug or id "${value}"`);
  return vendor.id;
}

export async function categoryIdOf(db: Db, value: string | null | undefined, flag: string): Promise<string | null | undefined> {
  if (value === null || value === undefined) return value;
  const category = await bySlugOrId(
    value,
    (id) => getCategoryById(db, id),
    (s) => getCategoryBySlug(db, s),
  );
  if (!category) throw validationError(flag, `no category has the slug or id "${value}"`);
  return category.id;
}
