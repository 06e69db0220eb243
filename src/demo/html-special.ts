// For tests only: gives the demo's cable kit a name and description made of HTML-special
// characters, so a test can check every page shows them as text. The demo shop itself shows
// ordinary names.
import { sql } from 'kysely';
import { notifyCatalogueChanged } from '../commerce/catalogue/index.ts';
import type { Db } from '../platform/db/database.ts';
import { htmlSpecialProductName } from './shop-data.ts';

export const HTML_SPECIAL_SLUG = 'cable-adapter-kit';

export async function addHtmlSpecialProduct(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`update catalogue_products set name = ${htmlSpecialProductName},
      description = ${'USB-C to HDMI, USB-A and Ethernet adapters with two braided cables, in a <pouch> & "travel" case.'}
      where slug = ${HTML_SPECIAL_SLUG}`.execute(trx);
    await notifyCatalogueChanged(trx);
  });
}
