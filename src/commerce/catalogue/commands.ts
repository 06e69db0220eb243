// The catalogue's write commands: vendors, categories, products and their variants. The staff API,
// the CLI and the demo seed all write through these.
//
// Transactions: every command is one transaction. Pass a transaction (`db.isTransaction`) to make
// the command part of a larger one; pass the root handle and the command opens its own. Inside,
// only the transaction handle is used (the embedded database has a single connection).
//
// Every command checks its input itself (lengths, patterns, ranges), bumps `updated_at`, and sends
// the catalogue-changed notification inside its transaction, so every process drops its caches on
// commit. Errors are AppErrors whose fields are named after the input's keys (`slug`,
// `variants.0.sku`) or, for the record being changed, `id` and `variant_id`; callers re-home them
// (`body.slug`, `--slug`).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { checkCurrency, checkName, checkNullableUuid, checkOneOf, checkPosition, checkPrice, checkSku, checkSlug, checkStock, checkText, checkUuid, checkWebsite } from './checks.ts';
import { fromConstraintViolation } from './constraint-errors.ts';
import { notifyCatalogueChanged } from './events.ts';
import { catalogueDb, getProductById, type ProductDetail } from './queries.ts';
import { limits } from './schemas.ts';
import { productKinds, productStatuses, type Category, type ProductKind, type ProductStatus, type Variant, type Vendor } from './tables.ts';

export interface VendorInput {
  slug: string;
  name: string;
  description?: string;
  website?: string | null;
}
export type VendorPatch = Partial<VendorInput>;

export interface CategoryInput {
  slug: string;
  name: string;
  description?: string;
  parent_id?: string | null;
  position?: number;
}
export type CategoryPatch = Partial<CategoryInput>;

export interface VariantInput {
  sku: string;
  /** Defaults to "Standard". */
  name?: string;
  price_minor: number;
  /** Defaults to the shop currency. */
  currency?: string;
  /** null (the default): stock is not tracked. */
  stock?: number | null;
  position?: number;
}
export type VariantPatch = Partial<VariantInput>;

export interface ProductInput {
  slug: string;
  name: string;
  description?: string;
  vendor_id: string;
  category_id?: string | null;
  kind: ProductKind;
  status?: ProductStatus;
  variants: VariantInput[];
}
export type ProductPatch = Partial<Omit<ProductInput, 'variants'>>;

export interface CatalogueDefaults {
  /** The shop currency (config.currency), used for variants that name none. */
  currency: string;
}

export const DEFAULT_VARIANT_NAME = 'Standard';

// Serialises changes to the category tree, so two concurrent re-parentings cannot form a cycle.
const CATEGORY_TREE_LOCK = 7_200_301_101;

async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  try {
    return db.isTransaction ? await work(db) : await db.transaction().execute(work);
  } catch (err) {
    throw fromConstraintViolation(err) ?? err;
  }
}

/** Runs one statement; a constraint violation it causes names its field under `prefix`. */
async function named<T>(prefix: string, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (err) {
    throw fromConstraintViolation(err, prefix) ?? err;
  }
}

function notFound(field: string, what: string): AppError {
  return new AppError('NOT_FOUND', `${field}: no ${what} has this id`, [{ field, message: `no ${what} has this id` }]);
}

function has<T extends object>(o: T, key: keyof T): boolean {
  return Object.hasOwn(o, key) && o[key] !== undefined;
}

/** A change naming no field fails on the input as a whole, whose field name is the empty string. */
function requireSomething(patch: object): void {
  if (!Object.values(patch).some((v) => v !== undefined)) {
    throw new AppError('VALIDATION_FAILED', 'Nothing to change: name at least one field.', [{ field: '', message: 'names no field to change' }]);
  }
}

async function exists(trx: Db, table: 'catalogue_vendors' | 'catalogue_categories' | 'catalogue_products', id: string): Promise<boolean> {
  const row = await catalogueDb(trx).selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Vendors

function vendorValues(input: VendorPatch) {
  return {
    ...(has(input, 'slug') && { slug: checkSlug('slug', input.slug) }),
    ...(has(input, 'name') && { name: checkName('name', input.name) }),
    ...(has(input, 'description') && { description: checkText('description', input.description, limits.vendorDescription) }),
    ...(has(input, 'website') && { website: checkWebsite('website', input.website) }),
  };
}

export async function createVendor(db: Db, input: VendorInput): Promise<Vendor> {
  if (!has(input, 'slug')) throw validationError('slug', 'is required');
  if (!has(input, 'name')) throw validationError('name', 'is required');
  const values = vendorValues(input);
  return inTransaction(db, async (trx) => {
    const vendor = await catalogueDb(trx)
      .insertInto('catalogue_vendors')
      .values({ ...values, slug: values.slug!, name: values.name!, description: values.description ?? '' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notifyCatalogueChanged(trx);
    return vendor;
  });
}

export async function updateVendor(db: Db, id: string, patch: VendorPatch): Promise<Vendor> {
  checkUuid('id', id);
  requireSomething(patch);
  const values = vendorValues(patch);
  return inTransaction(db, async (trx) => {
    const vendor = await catalogueDb(trx)
      .updateTable('catalogue_vendors')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!vendor) throw notFound('id', 'vendor');
    await notifyCatalogueChanged(trx);
    return vendor;
  });
}

// ---------------------------------------------------------------------------------------------
// Categories

function categoryValues(input: CategoryPatch) {
  return {
    ...(has(input, 'slug') && { slug: checkSlug('slug', input.slug) }),
    ...(has(input, 'name') && { name: checkName('name', input.name) }),
    ...(has(input, 'description') && { description: checkText('description', input.description, limits.categoryDescription) }),
    ...(has(input, 'parent_id') && { parent_id: checkNullableUuid('parent_id', input.parent_id) }),
    ...(has(input, 'position') && { position: checkPosition('position', input.position) }),
  };
}

async function requireParent(trx: Db, parentId: string | null | undefined): Promise<void> {
  if (parentId && !(await exists(trx, 'catalogue_categories', parentId))) throw validationError('parent_id', 'no category has this id');
}

export async function createCategory(db: Db, input: CategoryInput): Promise<Category> {
  if (!has(input, 'slug')) throw validationError('slug', 'is required');
  if (!has(input, 'name')) throw validationError('name', 'is required');
  const values = categoryValues(input);
  return inTransaction(db, async (trx) => {
    await requireParent(trx, values.parent_id);
    const category = await catalogueDb(trx)
      .insertInto('catalogue_categories')
      .values({ ...values, slug: values.slug!, name: values.name!, description: values.description ?? '' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await notifyCatalogueChanged(trx);
    return category;
  });
}

export async function updateCategory(db: Db, id: string, patch: CategoryPatch): Promise<Category> {
  checkUuid('id', id);
  requireSomething(patch);
  const values = categoryValues(patch);
  return inTransaction(db, async (trx) => {
    if (values.parent_id !== undefined) {
      await sql`select pg_advisory_xact_lock(${CATEGORY_TREE_LOCK})`.execute(trx);
      if (!(await exists(trx, 'catalogue_categories', id))) throw notFound('id', 'category');
      await requireParent(trx, values.parent_id);
      if (values.parent_id !== null && (await isSelfOrDescendant(trx, id, values.parent_id))) {
        throw validationError('parent_id', 'would make the category its own ancestor');
      }
    }
    const category = await catalogueDb(trx)
      .updateTable('catalogue_categories')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!category) throw notFound('id', 'category');
    await notifyCatalogueChanged(trx);
    return category;
  });
}

/** True when `candidate` is `id` itself or sits somewhere below it in the tree. */
async function isSelfOrDescendant(trx: Db, id: string, candidate: string): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    with recursive ancestors(id, parent_id) as (
      select id, parent_id from catalogue_categories where id = ${candidate}
      union
      select c.id, c.parent_id from catalogue_categories c join ancestors a on c.id = a.parent_id
    )
    select 1 as found from ancestors where id = ${id} limit 1`.execute(trx);
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Products

function productValues(input: ProductPatch) {
  return {
    ...(has(input, 'slug') && { slug: checkSlug('slug', input.slug) }),
    ...(has(input, 'name') && { name: checkName('name', input.name) }),
    ...(has(input, 'description') && { description: checkText('description', input.description, limits.productDescription) }),
    ...(has(input, 'vendor_id') && { vendor_id: checkUuid('vendor_id', input.vendor_id) }),
    ...(has(input, 'category_id') && { category_id: checkNullableUuid('category_id', input.category_id) }),
    ...(has(input, 'kind') && { kind: checkOneOf('kind', input.kind, productKinds) }),
    ...(has(input, 'status') && { status: checkOneOf('status', input.status, productStatuses) }),
  };
}

function variantValues(prefix: string, input: VariantPatch) {
  return {
    ...(has(input, 'sku') && { sku: checkSku(`${prefix}sku`, input.sku) }),
    ...(has(input, 'name') && { name: checkName(`${prefix}name`, input.name) }),
    ...(has(input, 'price_minor') && { price_minor: checkPrice(`${prefix}price_minor`, input.price_minor) }),
    ...(has(input, 'currency') && { currency: checkCurrency(`${prefix}currency`, input.currency) }),
    ...(has(input, 'stock') && { stock: checkStock(`${prefix}stock`, input.stock) }),
    ...(has(input, 'position') && { position: checkPosition(`${prefix}position`, input.position) }),
  };
}

function newVariantValues(prefix: string, input: VariantInput, defaults: CatalogueDefaults) {
  if (!has(input, 'sku')) throw validationError(`${prefix}sku`, 'is required');
  if (!has(input, 'price_minor')) throw validationError(`${prefix}price_minor`, 'is required');
  const v = variantValues(prefix, input);
  return {
    ...v,
    sku: v.sku!,
    price_minor: v.price_minor!,
    name: v.name ?? DEFAULT_VARIANT_NAME,
    currency: v.currency ?? checkCurrency('currency', defaults.currency),
    stock: v.stock ?? null,
  };
}

async function requireVendorAndCategory(trx: Db, values: { vendor_id?: string; category_id?: string | null }): Promise<void> {
  if (values.vendor_id !== undefined && !(await exists(trx, 'catalogue_vendors', values.vendor_id))) {
    throw validationError('vendor_id', 'no vendor has this id');
  }
  if (values.category_id && !(await exists(trx, 'catalogue_categories', values.category_id))) {
    throw validationError('category_id', 'no category has this id');
  }
}

/** Creates a product with its first variants (at least one); returns it as the product page shows it. */
export async function createProduct(db: Db, input: ProductInput, defaults: CatalogueDefaults): Promise<ProductDetail> {
  for (const key of ['slug', 'name', 'vendor_id', 'kind'] as const) {
    if (!has(input, key)) throw validationError(key, 'is required');
  }
  const values = productValues(input);
  if (!Array.isArray(input.variants) || input.variants.length === 0) throw validationError('variants', 'must hold at least one variant');
  if (input.variants.length > limits.variantsPerProduct) {
    throw validationError('variants', `must hold at most ${limits.variantsPerProduct} variants`);
  }
  const variants = input.variants.map((v, i) => ({ position: i, ...newVariantValues(`variants.${i}.`, v, defaults) }));
  const seen = new Map<string, number>();
  variants.forEach((v, i) => {
    if (seen.has(v.sku)) throw validationError(`variants.${i}.sku`, `repeats the SKU of variants.${seen.get(v.sku)}`);
    seen.set(v.sku, i);
  });

  return inTransaction(db, async (trx) => {
    await requireVendorAndCategory(trx, values);
    const cdb = catalogueDb(trx);
    const product = await cdb
      .insertInto('catalogue_products')
      .values({
        ...values,
        slug: values.slug!,
        name: values.name!,
        description: values.description ?? '',
        vendor_id: values.vendor_id!,
        kind: values.kind!,
        status: values.status ?? 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, v] of variants.entries()) {
      await named(
        `variants.${i}.`,
        cdb
          .insertInto('catalogue_variants')
          .values({ ...v, product_id: product.id })
          .execute(),
      );
    }
    await notifyCatalogueChanged(trx);
    return (await getProductById(trx, product.id))!;
  });
}

/** Changes a product's own fields (archive it with `status: 'archived'`); returns it as the product page shows it. */
export async function updateProduct(db: Db, id: string, patch: ProductPatch): Promise<ProductDetail> {
  checkUuid('id', id);
  requireSomething(patch);
  const values = productValues(patch);
  return inTransaction(db, async (trx) => {
    await requireVendorAndCategory(trx, values);
    const updated = await catalogueDb(trx)
      .updateTable('catalogue_products')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound('id', 'product');
    await notifyCatalogueChanged(trx);
    return (await getProductById(trx, id))!;
  });
}

export async function archiveProduct(db: Db, id: string): Promise<ProductDetail> {
  return updateProduct(db, id, { status: 'archived' });
}

/** Locks the product row, so variant changes of one product queue behind each other. */
async function lockProduct(trx: Db, id: string): Promise<void> {
  const row = await catalogueDb(trx).selectFrom('catalogue_products').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('id', 'product');
}

async function touchProduct(trx: Db, id: string): Promise<void> {
  await catalogueDb(trx).updateTable('catalogue_products').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function addVariant(db: Db, productId: string, input: VariantInput, defaults: CatalogueDefaults): Promise<Variant> {
  checkUuid('id', productId);
  const values = newVariantValues('', input, defaults);
  return inTransaction(db, async (trx) => {
    await lockProduct(trx, productId);
    const cdb = catalogueDb(trx);
    const position =
      values.position ??
      (await cdb.selectFrom('catalogue_variants').select(sql<number>`coalesce(max(position) + 1, 0)::int`.as('next')).where('product_id', '=', productId).executeTakeFirstOrThrow()).next;
    const variant = await cdb
      .insertInto('catalogue_variants')
      .values({ ...values, position, product_id: productId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await touchProduct(trx, productId);
    await notifyCatalogueChanged(trx);
    return variant;
  });
}

export async function updateVariant(db: Db, productId: string, variantId: string, patch: VariantPatch): Promise<Variant> {
  checkUuid('id', productId);
  checkUuid('variant_id', variantId);
  requireSomething(patch);
  const values = variantValues('', patch);
  return inTransaction(db, async (trx) => {
    await lockProduct(trx, productId);
    const variant = await catalogueDb(trx)
      .updateTable('catalogue_variants')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', variantId)
      .where('product_id', '=', productId)
      .returningAll()
      .executeTakeFirst();
    if (!variant) throw notFound('variant_id', 'variant of this product');
    await touchProduct(trx, productId);
    await notifyCatalogueChanged(trx);
    return variant;
  });
}

/** Removes a variant; a product keeps at least one (archive the product instead). */
export async function deleteVariant(db: Db, productId: string, variantId: string): Promise<void> {
  checkUuid('id', productId);
  checkUuid('variant_id', variantId);
  await inTransaction(db, async (trx) => {
    await lockProduct(trx, productId);
    const cdb = catalogueDb(trx);
    const siblings = await cdb.selectFrom('catalogue_variants').select('id').where('product_id', '=', productId).execute();
    if (!siblings.some((v) => v.id === variantId)) throw notFound('variant_id', 'variant of this product');
    if (siblings.length === 1) {
      throw new AppError('CONFLICT', "variant_id: is the product's last variant; archive the product instead", [
        { field: 'variant_id', message: "is the product's last variant; archive the product instead" },
      ]);
    }
    await cdb.deleteFrom('catalogue_variants').where('id', '=', variantId).execute();
    await touchProduct(trx, productId);
    await notifyCatalogueChanged(trx);
  });
}
