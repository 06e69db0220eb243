// A downloadable file for each of the demo shop's digital variants, so a licence bought in the demo
// also arrives as a download link by mail and on the order page. A short text file (what a real
// vendor's installer would be), sealed under DATA_DIR/downloads like any upload; loaded once,
// right after the demo's licence keys, with the shop's kernel.
import { sql } from 'kysely';
import { filesOfVariants, type KeyVault, uploadDownloadFile } from '../commerce/delivery/index.ts';
import type { Db } from '../platform/db/database.ts';

/** The demo file of a variant: a read-me naming the product and saying it is the demo's. */
export function demoFile(product: string, sku: string): Buffer {
  return Buffer.from(
    `${product} (${sku})\n\nThis is the demo shop's download of this product. A real shop's vendor uploads its installer here;\nthe buyer of each paid unit gets a signed link that expires, and a refund revokes it.\n`,
  );
}

/** Uploads a demo file for every digital variant that has none; returns how many. */
export async function seedDemoDownloads(db: Db, vault: KeyVault, settings: { dataDir: string; maxBytes: number }): Promise<number> {
  const { rows } = await sql<{ id: string; sku: string; name: string }>`
    select v.id, v.sku, p.name from catalogue_variants v join catalogue_products p on p.id = v.product_id
    where p.kind = 'digital' order by v.sku`.execute(db);
  const have = await filesOfVariants(
    db,
    rows.map((v) => v.id),
  );
  let added = 0;
  for (const v of rows) {
    if (have.has(v.id)) continue;
    await uploadDownloadFile(vault, db, settings, { variantId: v.id, name: `${v.sku.toLowerCase()}-readme.txt`, data: demoFile(v.name, v.sku), truncated: false, by: 'system:demo' });
    added++;
  }
  return added;
}
