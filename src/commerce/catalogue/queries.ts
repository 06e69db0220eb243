// Read queries of the catalogue, one round trip each: listings carry their total and their lowest
// price, product pages carry their vendor, category and variants.
import { sql, type Kysely } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import type { ProductImage } from './images.ts';
import type { BillingPeriod, CatalogueTables, Category, ProductKind, ProductStatus, Vendor } from './tables.ts';

export type CatalogueDb = Kysely<CatalogueTables>;

export function catalogueDb(db: Db): CatalogueDb {
  return tablesOf<CatalogueTables>(db);
}

export interface ProductSummary {
  id: string;
  slug: string;
  name: string;
  kind: ProductKind;
  status: ProductStatus;
  vendor_slug: string;
  vendor_name: string;
  category_slug: string | null;
  category_name: string | null;
  min_price_minor: number | null;
  currency: string | null;
  /** null when no variant tracks stock. */
  stock: number | null;
  variant_count: number;
  /** The main picture, or null when the product has none. */
  image: ProductImage | null;
  created_at: Date;
}

export interface ProductListing {
  items: ProductSummary[];
  total: number;
  page: number;
  perPage: number;
}

export type ListSort = 'relevance' | 'price-asc' | 'price-desc' | 'newest' | 'name';
export const listSorts: readonly ListSort[] = ['relevance', 'price-asc', 'price-desc', 'newest', 'name'];

export interface ListOptions {
  categoryId?: string;
  vendorId?: string;
  query?: string;
  kind?: ProductKind;
  /** Products with a variant priced within these bounds, minor units inclusive. */
  minPriceMinor?: number;
  maxPriceMinor?: number;
  /** Only products with a variant that can be bought now (stock untracked or on hand). */
  inStock?: boolean;
  /** Default: relevance for a search, name otherwise; relevance without a query is by name. */
  sort?: ListSort;
  /** Storefront lists only active products; staff may ask for any status. */
  statuses?: readonly ProductStatus[];
  page: number;
  perPage: number;
}

const imageJson = sql.raw(`json_build_object('id', i.id, 'image_id', i.image_id, 'alt', i.alt, 'position', i.position, 'width', i.width, 'height', i.height, 'widths', i.widths)`);

// How close a word of the name or description must be to the query to count as a match
// (pg_trgm word similarity, 0 to 1): 0.4 lets one wrong letter in a six-letter word through
// ("labtop" finds "laptop" at 0.4, "monitr" finds "monitor" at 0.71). Decision 0037.
const WORD_SIMILARITY = 0.4;
// Shorter queries share too many trigrams with unrelated words ("wifi" resembles "with"): they
// match by substring and full text only.
const FUZZY_FROM_LENGTH = 5;
// The text the trigram index covers: catalogue/0004 indexes exactly this expression.
const searchText = sql<string>`(p.name || ' ' || p.description)`;

/**
 * Runs `work` with this transaction's word-similarity threshold set, so the `<%` operator (which
 * the trigram index serves) uses it. Outside a transaction it opens one: the setting ends with it.
 */
async function withSearchThreshold<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  const run = async (trx: Db) => {
    await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY)}, true)`.execute(trx);
    return work(trx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

function matchingIds(q: string, like: string) {
  const fuzzy = q.length >= FUZZY_FROM_LENGTH;
  return sql<string>`(
    select id from catalogue_products where search @@ websearch_to_tsquery('english', ${q})
    union select id from catalogue_products p where ${searchText} ilike ${like}
    ${fuzzy ? sql`union select id from catalogue_products p where ${q} <% ${searchText}` : sql``}
    union select product_id from catalogue_variants where sku ilike ${like}
    union select p.id from catalogue_products p join catalogue_categories c on c.id = p.category_id
      where c.name ilike ${like}${fuzzy ? sql` or ${q} <% c.name` : sql``})`;
}

export async function listProducts(db: Db, o: ListOptions): Promise<ProductListing> {
  const q = o.query?.trim() || undefined;
  return q === undefined ? listMatching(db, o, undefined) : withSearchThreshold(db, (trx) => listMatching(trx, o, q));
}

async function listMatching(db: Db, o: ListOptions, q: string | undefined): Promise<ProductListing> {
  const like = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const statuses = o.statuses ?? ['active'];
  const sort = o.sort ?? (q ? 'relevance' : 'name');
  const minPrice = sql<number | null>`(select min(price_minor) from catalogue_variants where product_id = p.id)`;
  const rows = await catalogueDb(db)
    .selectFrom('catalogue_products as p')
    .innerJoin('catalogue_vendors as v', 'v.id', 'p.vendor_id')
    .leftJoin('catalogue_categories as c', 'c.id', 'p.category_id')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'p.kind',
      'p.status',
      'p.created_at',
      'v.slug as vendor_slug',
      'v.name as vendor_name',
      'c.slug as category_slug',
      'c.name as category_name',
      minPrice.as('min_price_minor'),
      sql<string | null>`(select currency from catalogue_variants where product_id = p.id order by price_minor, position limit 1)`.as('currency'),
      sql<number | null>`(select sum(stock)::int from catalogue_variants where product_id = p.id)`.as('stock'),
      sql<number>`(select count(*)::int from catalogue_variants where product_id = p.id)`.as('variant_count'),
      sql<ProductImage | null>`(select ${imageJson} from catalogue_product_images i where i.product_id = p.id order by i.position, i.created_at limit 1)`.as('image'),
      sql<number>`count(*) over ()`.as('total'),
    ])
    .where('p.status', 'in', statuses)
    .$if(o.categoryId !== undefined, (qb) =>
      qb.where((eb) => eb.or([eb('p.category_id', '=', o.categoryId!), eb('p.category_id', 'in', eb.selectFrom('catalogue_categories').select('id').where('parent_id', '=', o.categoryId!))])),
    )
    .$if(o.vendorId !== undefined, (qb) => qb.where('p.vendor_id', '=', o.vendorId!))
    .$if(o.kind !== undefined, (qb) => qb.where('p.kind', '=', o.kind!))
    .$if(o.minPriceMinor !== undefined || o.maxPriceMinor !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('catalogue_variants')
            .select('id')
            .where('product_id', '=', eb.ref('p.id'))
            .$if(o.minPriceMinor !== undefined, (s) => s.where('price_minor', '>=', o.minPriceMinor!))
            .$if(o.maxPriceMinor !== undefined, (s) => s.where('price_minor', '<=', o.maxPriceMinor!)),
        ),
      ),
    )
    .$if(o.inStock === true, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('catalogue_variants')
            .select('id')
            .where('product_id', '=', eb.ref('p.id'))
            .where((w) => w.or([w('stock', 'is', null), w('stock', '>', 0)])),
        ),
      ),
    )
    // The matching products as a union of one indexed lookup per way to match, so each uses its
    // index (full-text GIN, trigram GIN on the text and on SKUs); an OR across the joined rows would not.
    .$if(q !== undefined, (qb) => qb.where('p.id', 'in', matchingIds(q!, like!)))
    .$if(sort === 'relevance' && q !== undefined, (qb) =>
      // Full-text rank (whole words, stems, name above description) plus how closely the best
      // word of the name, then of the text, resembles the query; a name containing it outright first.
      qb.orderBy(
        sql`(case when p.name ilike ${like} then 1 else 0 end)
          + word_similarity(${q}, p.name) + 0.5 * word_similarity(${q}, ${searchText})
          + ts_rank(p.search, websearch_to_tsquery('english', ${q}))`,
        'desc',
      ),
    )
    .$if(sort === 'price-asc', (qb) => qb.orderBy(sql`${minPrice} asc nulls last`))
    .$if(sort === 'price-desc', (qb) => qb.orderBy(sql`${minPrice} desc nulls last`))
    .$if(sort === 'newest', (qb) => qb.orderBy('p.created_at', 'desc'))
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(o.perPage)
    .offset((o.page - 1) * o.perPage)
    .execute();

  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && o.page > 1) {
    // Past the last page the window count is unavailable; one cheap count tells the caller.
    const counted = await listMatching(db, { ...o, page: 1, perPage: 1 }, q);
    total = counted.total;
  }
  return { items: rows.map(({ total: _t, ...item }) => item), total, page: o.page, perPage: o.perPage };
}

export interface VariantView {
  id: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  stock: number | null;
  /** null: bought once; a plan is renewed each period. */
  billing_period: BillingPeriod | null;
  position: number;
}

export interface ProductDetail {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: ProductKind;
  status: ProductStatus;
  created_at: Date;
  updated_at: Date;
  vendor: { id: string; slug: string; name: string };
  category: { id: string; slug: string; name: string } | null;
  variants: VariantView[];
  /** Pictures in gallery order; the first is the main one. */
  images: ProductImage[];
}

const detailSelect = (db: Db) =>
  catalogueDb(db)
    .selectFrom('catalogue_products as p')
    .innerJoin('catalogue_vendors as v', 'v.id', 'p.vendor_id')
    .leftJoin('catalogue_categories as c', 'c.id', 'p.category_id')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'p.description',
      'p.kind',
      'p.status',
      'p.created_at',
      'p.updated_at',
      sql<ProductDetail['vendor']>`json_build_object('id', v.id, 'slug', v.slug, 'name', v.name)`.as('vendor'),
      sql<ProductDetail['category']>`case when c.id is null then null else json_build_object('id', c.id, 'slug', c.slug, 'name', c.name) end`.as('category'),
      sql<VariantView[]>`coalesce((
        select json_agg(json_build_object(
          'id', x.id, 'sku', x.sku, 'name', x.name, 'price_minor', x.price_minor,
          'currency', x.currency, 'stock', x.stock, 'billing_period', x.billing_period, 'position', x.position
        ) order by x.position, x.price_minor, x.sku)
        from catalogue_variants x where x.product_id = p.id
      ), '[]'::json)`.as('variants'),
      sql<ProductImage[]>`coalesce((
        select json_agg(${imageJson} order by i.position, i.created_at) from catalogue_product_images i where i.product_id = p.id
      ), '[]'::json)`.as('images'),
    ]);

export async function getProductBySlug(db: Db, slug: string): Promise<ProductDetail | undefined> {
  return detailSelect(db).where('p.slug', '=', slug).executeTakeFirst();
}

export async function getProductById(db: Db, id: string): Promise<ProductDetail | undefined> {
  return detailSelect(db).where('p.id', '=', id).executeTakeFirst();
}

export async function listCategories(db: Db): Promise<Category[]> {
  return catalogueDb(db).selectFrom('catalogue_categories').selectAll().orderBy('position').orderBy('name').execute();
}

export async function getCategoryBySlug(db: Db, slug: string): Promise<Category | undefined> {
  return catalogueDb(db).selectFrom('catalogue_categories').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function getCategoryById(db: Db, id: string): Promise<Category | undefined> {
  return catalogueDb(db).selectFrom('catalogue_categories').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listVendors(db: Db): Promise<Vendor[]> {
  return catalogueDb(db).selectFrom('catalogue_vendors').selectAll().orderBy('name').execute();
}

export async function getVendorById(db: Db, id: string): Promise<Vendor | undefined> {
  return catalogueDb(db).selectFrom('catalogue_vendors').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getVendorBySlug(db: Db, slug: string): Promise<Vendor | undefined> {
  return catalogueDb(db).selectFrom('catalogue_vendors').selectAll().where('slug', '=', slug).executeTakeFirst();
}
