// Placeholder: the demo shop (vendors, categories, 20+ products) lands with the storefront.
import type { Db } from '../platform/db/database.ts';

export async function seedDemoShop(_db: Db): Promise<boolean> {
  return false;
}
