// The public entry of the catalogue: its tables' types, queries and commands that the cart,
// pricing, storefront, accounts (vendor users), CLI and demo use. Any other file here is
// internal (decision 0032).
export { type ProductInput, addVariant, archiveProduct, createCategory, createProduct, createVendor, deleteVariant, updateCategory, updateProduct, updateVariant, updateVendor } from './commands.ts';
export { ALT_MAX, type ProductImage, addProductImage, describeProductImage, listProductImages, moveProductImage, removeProductImage } from './images.ts';
export { type ChangedBy, bySystem } from './changes.ts';
export { CATALOGUE_CHANGED, notifyCatalogueChanged } from './events.ts';
export { catalogueModule } from './module.ts';
export {
  type ListOptions,
  type ListSort,
  type ProductDetail,
  type ProductListing,
  type ProductSummary,
  type VariantView,
  catalogueDb,
  getCategoryById,
  getCategoryBySlug,
  getProductById,
  getProductBySlug,
  getVendorById,
  getVendorBySlug,
  listCategories,
  listProducts,
  listSorts,
  listVendors,
} from './queries.ts';
export { type LowStockRow, type StockRow, lowStock, vendorStock } from './stock-list.ts';
export { type StockLevel, setStockLevels } from './bulk-stock.ts';
export { stockOf } from './console-forms.ts';
export { type VariantForSale, releaseStock, reserveStock, variantForSaleBySku, variantsForSale, variantsForSaleQuery } from './stock.ts';
export { type BillingPeriod, type Category, type ProductKind, type ProductStatus, type Variant, type Vendor, billingPeriods, productKinds, productStatuses } from './tables.ts';
