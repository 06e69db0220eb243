// Licence keys for the demo shop's digital products, so a licence bought in the demo arrives by
// mail and on the order page. Made up (random, shaped like a vendor's keys), sealed like any
// uploaded key; loaded once, right after the demo catalogue, with the shop's kernel.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { type KeyVault, keyCounts, uploadLicenceKeys } from '../commerce/delivery/index.ts';
import type { Db } from '../platform/db/database.ts';

/** Keys per digital variant: enough to buy a few times; running out shows the hold and the alert. */
export const DEMO_KEYS_PER_VARIANT = 20;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const group = () => Array.from(randomBytes(5), (b) => ALPHABET[b % ALPHABET.length]).join('');

/** A made-up key of a variant: its SKU and four groups of five, e.g. `QS-NOTES-1Y-7KQ2M-…`. */
export function demoKey(sku: string): string {
  return `${sku}-${group()}-${group()}-${group()}-${group()}`;
}

/** Loads DEMO_KEYS_PER_VARIANT keys for every digital variant that has none; returns how many keys. */
export async function seedDemoLicenceKeys(db: Db, vault: KeyVault): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; sku: string }>`
      select v.id, v.sku from catalogue_variants v join catalogue_products p on p.id = v.product_id
      where p.kind = 'digital' order by v.sku`.execute(trx);
    const counts = await keyCounts(
      trx,
      rows.map((v) => v.id),
    );
    let added = 0;
    for (const v of rows) {
      const c = counts.get(v.id)!;
      if (c.available + c.assigned + c.revoked > 0) continue;
      const text = Array.from({ length: DEMO_KEYS_PER_VARIANT }, () => demoKey(v.sku)).join('\n');
      added += (await uploadLicenceKeys(vault, trx, { variantId: v.id, text, by: 'system:demo' })).added;
    }
    return added;
  });
}
