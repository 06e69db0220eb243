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
// (`body.slug`, `--slug`). A bad input names every bad field at once.
//
// Audit: every command takes who makes the change (`by`) and records it in catalogue_changes, in
// the same transaction (changes.ts). The staff console passes the signed-in staff member, the
// JSON API the shared token, the CLI itself; the default is the system (demo seed, tests).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { AppError, type FieldProblem, validationError } from '../../platform/errors.ts';
import { bySystem, type ChangedBy, diff, recordChange, snapshot } from './changes.ts';
import { checkCurrency, checkName, checkNullableUuid, checkOneOf, checkPosition, checkPrice, checkSku, checkSlug, checkStock, checkText, checkUuid, checkWebsite, FieldProblems } from './checks.ts';
import { fromConstraintViolation } from './constraint-errors.ts';
import { notifyCatalogueChanged } from './events.ts';
import { catalogueDb, getProductById, type ProductDetail } from './queries.ts';
import { limits } from './schemas.ts';
import { billingPeriods, productKinds, productStatuses, type BillingPeriod, type Category, type FieldChanges, type ProductKind, type ProductStatus, type Variant, type Vendor } from './tables.ts';

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
  /** null (the default): bought once; 'month' or 'year': a plan renewed each period. */
  billing_period?: BillingPeriod | null;
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

/** Descriptions are long: the change log keeps their length, not their text. */
function summarised(changes: FieldChanges): FieldChanges {
  const d = changes.description;
  if (d) changes.description = d.map((v) => (typeof v === 'string' ? `${[...v].length} characters` : v)) as [unknown, unknown];
  return changes;
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

const vendorFields = ['slug', 'name', 'description', 'website'] as const;

function vendorValues(input: VendorPatch, p: FieldProblems) {
  return {
    ...(has(input, 'slug') && { slug: p.check(() => checkSlug('slug', input.slug)) }),
    ...(has(input, 'name') && { name: p.check(() => checkName('name', input.name)) }),
    ...(has(input, 'description') && { description: p.check(() => checkText('description', input.description, limits.vendorDescription)) }),
    ...(has(input, 'website') && { website: p.check(() => checkWebsite('website', input.website)) }),
  };
}

export async function createVendor(db: Db, input: VendorInput, by: ChangedBy = bySystem): Promise<Vendor> {
  const p = new FieldProblems();
  p.require('slug', has(input, 'slug'));
  p.require('name', has(input, 'name'));
  const values = vendorValues(input, p);
  p.throwIfAny();
  return inTransaction(db, async (trx) => {
    const vendor = await catalogueDb(trx)
      .insertInto('catalogue_vendors')
      .values({ ...values, slug: values.slug!, name: values.name!, description: values.description ?? '' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, by, { entity: 'vendor', entityId: vendor.id, action: 'created', changes: summarised(snapshot(vendor, vendorFields, 'created')) });
    await notifyCatalogueChanged(trx);
    return vendor;
  });
}

export async function updateVendor(db: Db, id: string, patch: VendorPatch, by: ChangedBy = bySystem): Promise<Vendor> {
  checkUuid('id', id);
  requireSomething(patch);
  const p = new FieldProblems();
  const values = vendorValues(patch, p);
  p.throwIfAny();
  return inTransaction(db, async (trx) => {
    const before = await catalogueDb(trx).selectFrom('catalogue_vendors').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('id', 'vendor');
    const vendor = await catalogueDb(trx)
      .updateTable('catalogue_vendors')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChanged(trx, by, { entity: 'vendor', entityId: id }, diff(before, vendor, vendorFields));
    await notifyCatalogueChanged(trx);
    return vendor;
  });
}

/** Records an update unless it changed nothing. */
async function recordChanged(trx: Db, by: ChangedBy, what: { entity: 'vendor' | 'category' | 'product' | 'variant'; entityId: string; productId?: string }, changes: FieldChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await recordChange(trx, by, { ...what, action: 'changed', changes: summarised(changes) });
}

// ---------------------------------------------------------------------------------------------
// Categories

const categoryFields = ['slug', 'name', 'description', 'parent_id', 'position'] as const;

function categoryValues(input: CategoryPatch, p: FieldProblems) {
  return {
    ...(has(input, 'slug') && { slug: p.check(() => checkSlug('slug', input.slug)) }),
    ...(has(input, 'name') && { name: p.check(() => checkName('name', input.name)) }),
    ...(has(input, 'description') && { description: p.check(() => checkText('description', input.description, limits.categoryDescription)) }),
    ...(has(input, 'parent_id') && { parent_id: p.check(() => checkNullableUuid('parent_id', input.parent_id)) }),
    ...(has(input, 'position') && { position: p.check(() => checkPosition('position', input.position)) }),
  };
}

async function requireParent(trx: Db, parentId: string | null | undefined): Promise<void> {
  if (parentId && !(await exists(trx, 'catalogue_categories', parentId))) throw validationError('parent_id', 'no category has this id');
}

export async function createCategory(db: Db, input: CategoryInput, by: ChangedBy = bySystem): Promise<Category> {
  const p = new FieldProblems();
  p.require('slug', has(input, 'slug'));
  p.require('name', has(input, 'name'));
  const values = categoryValues(input, p);
  p.throwIfAny();
  return inTransaction(db, async (trx) => {
    await requireParent(trx, values.parent_id);
    const category = await catalogueDb(trx)
      .insertInto('catalogue_categories')
      .values({ ...values, slug: values.slug!, name: values.name!, description: values.description ?? '' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, by, { entity: 'category', entityId: category.id, action: 'created', changes: summarised(snapshot(category, categoryFields, 'created')) });
    await notifyCatalogueChanged(trx);
    return category;
  });
}

export async function updateCategory(db: Db, id: string, patch: CategoryPatch, by: ChangedBy = bySystem): Promise<Category> {
  checkUuid('id', id);
  requireSomething(patch);
  const p = new FieldProblems();
  const values = categoryValues(patch, p);
  p.throwIfAny();
  return inTransaction(db, async (trx) => {
    if (values.parent_id !== undefined) {
      await sql`select pg_advisory_xact_lock(${CATEGORY_TREE_LOCK})`.execute(trx);
      if (!(await exists(trx, 'catalogue_categories', id))) throw notFound('id', 'category');
      await requireParent(trx, values.parent_id);
      if (values.parent_id !== null && (await isSelfOrDescendant(trx, id, values.parent_id))) {
        throw validationError('parent_id', 'would make the category its own ancestor');
      }
    }
    const before = await catalogueDb(trx).selectFrom('catalogue_categories').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('id', 'category');
    const category = await catalogueDb(trx)
      .updateTable('catalogue_categories')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChanged(trx, by, { entity: 'category', entityId: id }, diff(before, category, categoryFields));
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

const productFields = ['slug', 'name', 'description', 'vendor_id', 'category_id', 'kind', 'status'] as const;
const variantFields = ['sku', 'name', 'price_minor', 'currency', 'stock', 'billing_period', 'position'] as const;

function productValues(input: ProductPatch, p: FieldProblems) {
  return {
    ...(has(input, 'slug') && { slug: p.check(() => checkSlug('slug', input.slug)) }),
    ...(has(input, 'name') && { name: p.check(() => checkName('name', input.name)) }),
    ...(has(input, 'description') && { description: p.check(() => checkText('description', input.description, limits.productDescription)) }),
    ...(has(input, 'vendor_id') && { vendor_id: p.check(() => checkUuid('vendor_id', input.vendor_id)) }),
    ...(has(input, 'category_id') && { category_id: p.check(() => checkNullableUuid('category_id', input.category_id)) }),
    ...(has(input, 'kind') && { kind: p.check(() => checkOneOf('kind', input.kind, productKinds)) }),
    ...(has(input, 'status') && { status: p.check(() => checkOneOf('status', input.status, productStatuses)) }),
  };
}

function variantValues(prefix: string, input: VariantPatch, p: FieldProblems) {
  return {
    ...(has(input, 'sku') && { sku: p.check(() => checkSku(`${prefix}sku`, input.sku)) }),
    ...(has(input, 'name') && { name: p.check(() => checkName(`${prefix}name`, input.name)) }),
    ...(has(input, 'price_minor') && { price_minor: p.check(() => checkPrice(`${prefix}price_minor`, input.price_minor)) }),
    ...(has(input, 'currency') && { currency: p.check(() => checkCurrency(`${prefix}currency`, input.currency)) }),
    ...(has(input, 'stock') && { stock: p.check(() => checkStock(`${prefix}stock`, input.stock)) }),
    ...(has(input, 'billing_period') && {
      billing_period: input.billing_period === null ? null : p.check(() => checkOneOf(`${prefix}billing_period`, input.billing_period, billingPeriods)),
    }),
    ...(has(input, 'position') && { position: p.check(() => checkPosition(`${prefix}position`, input.position)) }),
  };
}

function newVariantValues(prefix: string, input: VariantInput, defaults: CatalogueDefaults, p: FieldProblems) {
  p.require(`${prefix}sku`, has(input, 'sku'));
  p.require(`${prefix}price_minor`, has(input, 'price_minor'));
  const v = variantValues(prefix, input, p);
  return {
    ...v,
    sku: v.sku!,
    price_minor: v.price_minor!,
    name: v.name ?? DEFAULT_VARIANT_NAME,
    currency: v.currency ?? p.check(() => checkCurrency('currency', defaults.currency))!,
    stock: v.stock ?? null,
  };
}

async function requireVendorAndCategory(trx: Db, values: { vendor_id?: string | undefined; category_id?: string | null | undefined }): Promise<void> {
  const p = new FieldProblems();
  if (values.vendor_id !== undefined && !(await exists(trx, 'catalogue_vendors', values.vendor_id))) p.fields.push({ field: 'vendor_id', message: 'no vendor has this id' });
  if (values.category_id && !(await exists(trx, 'catalogue_categories', values.category_id))) p.fields.push({ field: 'category_id', message: 'no category has this id' });
  p.throwIfAny();
}

function checkNewProduct(input: ProductInput, defaults: CatalogueDefaults, p: FieldProblems) {
  for (const key of ['slug', 'name', 'vendor_id', 'kind'] as const) p.require(key, has(input, key));
  const values = productValues(input, p);
  let variants: (ReturnType<typeof newVariantValues> & { position: number })[] = [];
  if (!Array.isArray(input.variants) || input.variants.length === 0) p.fields.push({ field: 'variants', message: 'must hold at least one variant' });
  else if (input.variants.length > limits.variantsPerProduct) p.fields.push({ field: 'variants', message: `must hold at most ${limits.variantsPerProduct} variants` });
  else {
    variants = input.variants.map((v, i) => ({ position: i, ...newVariantValues(`variants.${i}.`, v, defaults, p) }));
    const seen = new Map<string, number>();
    variants.forEach((v, i) => {
      if (v.sku === undefined) return;
      if (seen.has(v.sku)) p.fields.push({ field: `variants.${i}.sku`, message: `repeats the SKU of variants.${seen.get(v.sku)}` });
      seen.set(v.sku, i);
    });
  }
  return { values, variants };
}

/** What is wrong with a new product's fields, every field at once, without touching the database (a form adds its own). */
export function newProductProblems(input: ProductInput, defaults: CatalogueDefaults): FieldProblem[] {
  const p = new FieldProblems();
  checkNewProduct(input, defaults, p);
  return p.fields;
}

/** What is wrong with a variant's fields (a new one when `defaults` is given), every field at once. */
export function variantProblems(input: VariantPatch, defaults?: CatalogueDefaults): FieldProblem[] {
  const p = new FieldProblems();
  if (defaults) newVariantValues('', input as VariantInput, defaults, p);
  else variantValues('', input, p);
  return p.fields;
}

/** What is wrong with a change to a product's own fields, every field at once. */
export function productPatchProblems(patch: ProductPatch): FieldProblem[] {
  const p = new FieldProblems();
  productValues(patch, p);
  return p.fields;
}

/** Creates a product with its first variants (at least one); returns it as the product page shows it. */
export async function createProduct(db: Db, input: ProductInput, defaults: CatalogueDefaults, by: ChangedBy = bySystem): Promise<ProductDetail> {
  const p = new FieldProblems();
  const { values, variants } = checkNewProduct(input, defaults, p);
  p.throwIfAny();

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
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, by, { entity: 'product', entityId: product.id, productId: product.id, action: 'created', changes: summarised(snapshot(product, productFields, 'created')) });
    for (const [i, v] of variants.entries()) {
      const variant = await named(
        `variants.${i}.`,
        cdb
          .insertInto('catalogue_variants')
          .values({ ...v, product_id: product.id })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      await recordChange(trx, by, { entity: 'variant', entityId: variant.id, productId: product.id, action: 'created', changes: snapshot(variant, variantFields, 'created') });
    }
    await notifyCatalogueChanged(trx);
    return (await getProductById(trx, product.id))!;
  });
}

/** Changes a product's own fields (publish with `status: 'active'`, archive with `'archived'`); returns it as the product page shows it. */
export async function updateProduct(db: Db, id: string, patch: ProductPatch, by: ChangedBy = bySystem): Promise<ProductDetail> {
  checkUuid('id', id);
  requireSomething(patch);
  const p = new FieldProblems();
  const values = productValues(patch, p);
  p.throwIfAny();
  return inTransaction(db, async (trx) => {
    await requireVendorAndCategory(trx, values);
    const before = await catalogueDb(trx).selectFrom('catalogue_products').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('id', 'product');
    const updated = await catalogueDb(trx)
      .updateTable('catalogue_products')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChanged(trx, by, { entity: 'product', entityId: id, productId: id }, diff(before, updated, productFields));
    await notifyCatalogueChanged(trx);
    return (await getProductById(trx, id))!;
  });
}

export async function archiveProduct(db: Db, id: string, by: ChangedBy = bySystem): Promise<ProductDetail> {
  return updateProduct(db, id, { status: 'archived' }, by);
}

/** Locks the product row, so variant changes of one product queue behind each other. */
async function lockProduct(trx: Db, id: string): Promise<void> {
  const row = await catalogueDb(trx).selectFrom('catalogue_products').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('id', 'product');
}

async function touchProduct(trx: Db, id: string): Promise<void> {
  await catalogueDb(trx).updateTable('catalogue_products').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function addVariant(db: Db, productId: string, input: VariantInput, defaults: CatalogueDefaults, by: ChangedBy = bySystem): Promise<Variant> {
  checkUuid('id', productId);
  const p = new FieldProblems();
  const values = newVariantValues('', input, defaults, p);
  p.throwIfAny();
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
    await recordChange(trx, by, { entity: 'variant', entityId: variant.id, productId, action: 'created', changes: snapshot(variant, variantFields, 'created') });
    await touchProduct(trx, productId);
    await notifyCatalogueChanged(trx);
    return variant;
  });
}

export async function updateVariant(db: Db, productId: string, variantId: string, patch: VariantPatch, by: ChangedBy = bySystem): Promise<Variant> {
  checkUuid('id', productId);
  checkUuid('variant_id', variantId);
  requireSomething(patch);
  const p = new FieldProblems();
  const values = variantValues('', patch, p);
  p.throwIfAny();
  return inTransaction(db, async (trx) => {
    await lockProduct(trx, productId);
    const before = await catalogueDb(trx).selectFrom('catalogue_variants').selectAll().where('id', '=', variantId).where('product_id', '=', productId).executeTakeFirst();
    if (!before) throw notFound('variant_id', 'variant of this product');
    const variant = await catalogueDb(trx)
      .updateTable('catalogue_variants')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', variantId)
      .where('product_id', '=', productId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChanged(trx, by, { entity: 'variant', entityId: variantId, productId }, diff(before, variant, variantFields));
    await touchProduct(trx, productId);
    await notifyCatalogueChanged(trx);
    return variant;
  });
}

/** Removes a variant; a product keeps at least one (archive the product instead). */
export async function deleteVariant(db: Db, productId: string, variantId: string, by: ChangedBy = bySystem): Promise<void> {
  checkUuid('id', productId);
  checkUuid('variant_id', variantId);
  await inTransaction(db, async (trx) => {
    await lockProduct(trx, productId);
    const cdb = catalogueDb(trx);
    const siblings = await cdb.selectFrom('catalogue_variants').selectAll().where('product_id', '=', productId).execute();
    const doomed = siblings.find((v) => v.id === variantId);
    if (!doomed) throw notFound('variant_id', 'variant of this product');
    if (siblings.length === 1) {
      throw new AppError('CONFLICT', "variant_id: is the product's last variant; archive the product instead", [
        { field: 'variant_id', message: "is the product's last variant; archive the product instead" },
      ]);
    }
    await cdb.deleteFrom('catalogue_variants').where('id', '=', variantId).execute();
    await recordChange(trx, by, { entity: 'variant', entityId: variantId, productId, action: 'removed', changes: snapshot(doomed, variantFields, 'removed') });
    await touchProduct(trx, productId);
    await notifyCatalogueChanged(trx);
  });
}
