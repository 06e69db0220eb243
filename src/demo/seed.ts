// Loads the demo shop into an empty catalogue, in one transaction. An advisory lock makes two
// processes starting at once queue behind each other; the second finds the catalogue full and
// loads nothing.
import { sql } from 'kysely';
import { addProductImage, catalogueDb, notifyCatalogueChanged } from '../commerce/catalogue/index.ts';
import { addDrawing, type MediaStorage } from '../media/index.ts';
import type { Db } from '../platform/db/database.ts';
import { PICTURE_HEIGHT, PICTURE_WIDTH, demoPicture } from './pictures.ts';
import { demoCategories, demoCurrency, demoProducts, demoVendors } from './shop-data.ts';

// An arbitrary constant that names "the demo data lock" among advisory locks.
const DEMO_SEED_LOCK = 7_200_301_002;

function idOf(ids: Map<string, string>, slug: string, what: string): string {
  const id = ids.get(slug);
  if (id === undefined) throw new Error(`Demo data names an unknown ${what}: ${slug}`);
  return id;
}

export interface SeedOptions {
  /** Where to store the products' pictures; without it the demo shop has none (most tests). */
  media?: MediaStorage;
}

/** Returns true when it loaded the demo shop, false when the catalogue already held anything. */
export async function seedDemoShop(db: Db, options: SeedOptions = {}): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${DEMO_SEED_LOCK})`.execute(trx);
    const { rows } = await sql<{ used: boolean }>`select
      exists (select 1 from catalogue_vendors) or exists (select 1 from catalogue_categories) or exists (select 1 from catalogue_products) as used`.execute(trx);
    if (rows[0]?.used) return false;

    const cdb = catalogueDb(trx);
    const vendorIds = new Map<string, string>();
    const vendors = await cdb
      .insertInto('catalogue_vendors')
      .values(demoVendors.map((v) => ({ slug: v.slug, name: v.name, description: v.description, website: v.website })))
      .returning(['id', 'slug'])
      .execute();
    for (const v of vendors) vendorIds.set(v.slug, v.id);

    // Parents are listed before their children, so one insert per category is enough.
    const categoryIds = new Map<string, string>();
    for (const c of demoCategories) {
      const row = await cdb
        .insertInto('catalogue_categories')
        .values({
          slug: c.slug,
          name: c.name,
          description: c.description,
          position: c.position,
          parent_id: c.parent === undefined ? null : idOf(categoryIds, c.parent, 'parent category'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      categoryIds.set(c.slug, row.id);
    }

    const products = await cdb
      .insertInto('catalogue_products')
      .values(
        demoProducts.map((p) => ({
          slug: p.slug,
          name: p.name,
          description: p.description,
          kind: p.kind,
          status: p.status ?? 'active',
          vendor_id: idOf(vendorIds, p.vendor, 'vendor'),
          category_id: idOf(categoryIds, p.category, 'category'),
        })),
      )
      .returning(['id', 'slug'])
      .execute();
    const productIds = new Map(products.map((p) => [p.slug, p.id]));

    await cdb
      .insertInto('catalogue_variants')
      .values(
        demoProducts.flatMap((p) =>
          p.variants.map((v, position) => ({
            product_id: idOf(productIds, p.slug, 'product'),
            sku: v.sku,
            name: v.name,
            price_minor: v.priceMinor,
            currency: demoCurrency,
            stock: v.stock,
            billing_period: v.billingPeriod ?? null,
            position,
          })),
        ),
      )
      .execute();

    if (options.media) {
      const media = options.media;
      // Drawn as SVG and rendered by sharp straight at each width (libvips works off the main thread).
      const images = await Promise.all(demoProducts.map((p) => addDrawing(trx, media, demoPicture(p).svg, { width: PICTURE_WIDTH, height: PICTURE_HEIGHT })));
      for (const [i, p] of demoProducts.entries()) await addProductImage(trx, idOf(productIds, p.slug, 'product'), images[i]!, demoPicture(p).alt);
    }

    await notifyCatalogueChanged(trx);
    return true;
  });
}
