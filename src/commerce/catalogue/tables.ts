// Row types of the catalogue's tables. Business data only: vendors here are companies; a vendor's
// contact people are personal data and live in the privacy kernel.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ProductKind = 'digital' | 'physical' | 'service';
export const productKinds: readonly ProductKind[] = ['digital', 'physical', 'service'];
export type ProductStatus = 'active' | 'draft' | 'archived';
/** A plan's billing period: the variant is bought as a subscription renewed each period (null: bought once). */
export type BillingPeriod = 'month' | 'year';
export const billingPeriods: readonly BillingPeriod[] = ['month', 'year'];
export const productStatuses: readonly ProductStatus[] = ['active', 'draft', 'archived'];

export interface VendorTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  website: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface CategoryTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  parent_id: string | null;
  position: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface ProductTable {
  id: Generated<string>;
  slug: string;
  vendor_id: string;
  category_id: string | null;
  name: string;
  description: string;
  kind: ProductKind;
  status: ProductStatus;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface VariantTable {
  id: Generated<string>;
  product_id: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  /** null: not stock-tracked (licences, services). */
  stock: number | null;
  /** null: bought once; 'month' or 'year': a plan, renewed each period (subscriptions module). */
  billing_period: Generated<BillingPeriod | null>;
  position: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** A picture of a product: an image of the media store, its alt text (required), its place in the gallery. */
export interface ProductImageTable {
  id: Generated<string>;
  product_id: string;
  image_id: string;
  alt: string;
  position: number;
  /** Copied from the media store when added, so a page renders without asking it. */
  width: number;
  height: number;
  widths: number[];
  created_at: Generated<Date>;
}

export type ChangeVia = 'console' | 'api' | 'cli' | 'system' | 'vendor';
export type ChangeEntity = 'vendor' | 'category' | 'product' | 'variant';
export type ChangeAction = 'created' | 'changed' | 'removed';
/** Business fields only: `{ price_minor: [4900, 5900] }`; a created or removed record lists what it held. */
export type FieldChanges = Record<string, [unknown, unknown]>;

export interface ChangeTable {
  id: Generated<string>;
  at: Generated<Date>;
  /** The staff user who made the change (accounts' id); null for the shared API token, the CLI and the system. */
  staff_id: string | null;
  via: ChangeVia;
  /** For a change made in the vendor portal (`via` vendor): the vendor whose user made it. */
  vendor_id: ColumnType<string | null, string | null | undefined, string | null>;
  entity: ChangeEntity;
  entity_id: string;
  /** The product a product or variant change belongs to, for its History section. */
  product_id: string | null;
  action: ChangeAction;
  changes: ColumnType<FieldChanges, string, string>;
}

export interface CatalogueTables {
  catalogue_product_images: ProductImageTable;
  catalogue_vendors: VendorTable;
  catalogue_categories: CategoryTable;
  catalogue_products: ProductTable;
  catalogue_variants: VariantTable;
  catalogue_changes: ChangeTable;
}

export type Vendor = Selectable<VendorTable>;
export type NewVendor = Insertable<VendorTable>;
export type VendorUpdate = Updateable<VendorTable>;
export type Category = Selectable<CategoryTable>;
export type NewCategory = Insertable<CategoryTable>;
export type CategoryUpdate = Updateable<CategoryTable>;
export type Product = Selectable<ProductTable>;
export type NewProduct = Insertable<ProductTable>;
export type ProductUpdate = Updateable<ProductTable>;
export type Variant = Selectable<VariantTable>;
export type NewVariant = Insertable<VariantTable>;
export type VariantUpdate = Updateable<VariantTable>;
export type Change = Selectable<ChangeTable>;
