// The catalogue's input limits and the JSON schemas of its staff API. The limits are the single
// source for both the HTTP schemas and the checks the commands run themselves (the CLI has no
// HTTP schema); they match the CHECK constraints in migrations.ts.
import { productKinds, productStatuses } from './tables.ts';

export const limits = {
  slug: 80,
  name: 200,
  vendorDescription: 5000,
  categoryDescription: 5000,
  productDescription: 20000,
  website: 500,
  sku: 64,
  /** PostgreSQL `integer`: prices, stock and positions must fit it. */
  int4Max: 2_147_483_647,
  variantsPerProduct: 100,
  searchQuery: 200,
  perPage: 100,
  page: 10_000,
  /** Variants one bulk stock edit may set. */
  bulkStock: 500,
} as const;

export const patterns = {
  slug: '^[a-z0-9]+(-[a-z0-9]+)*$',
  currency: '^[A-Z]{3}$',
  /** At least one visible character and no control characters. */
  name: '^(?=.*\\S)[^\\p{Cc}]+$',
  /** No whitespace and no control characters. */
  sku: '^[^\\s\\p{Cc}]+$',
  /** Free text: tabs and line breaks allowed, other control characters (NUL above all) not. */
  text: '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$',
  /** One line of text without control characters. */
  line: '^[^\\p{Cc}]*$',
  website: '^https?://[^\\s\\p{Cc}]+$',
} as const;

// ---------------------------------------------------------------------------------------------
// Building blocks

const uuid = { type: 'string', format: 'uuid' } as const;
const nullableUuid = { type: ['string', 'null'], format: 'uuid' } as const;
const slug = { type: 'string', minLength: 1, maxLength: limits.slug, pattern: patterns.slug } as const;
const name = { type: 'string', minLength: 1, maxLength: limits.name, pattern: patterns.name } as const;
const text = (max: number) => ({ type: 'string', maxLength: max, pattern: patterns.text }) as const;
const position = { type: 'integer', minimum: 0, maximum: limits.int4Max } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;

const sku = { type: 'string', minLength: 1, maxLength: limits.sku, pattern: patterns.sku } as const;
const priceMinor = {
  type: 'integer',
  minimum: 0,
  maximum: limits.int4Max,
  description: 'Price in minor units of the currency (cents for USD).',
} as const;
const currency = {
  type: 'string',
  pattern: patterns.currency,
  description: 'ISO 4217 code; defaults to the shop currency (CURRENCY).',
} as const;
const stock = {
  type: ['integer', 'null'],
  minimum: 0,
  maximum: limits.int4Max,
  description: 'Units in stock; null when the variant does not track stock.',
} as const;
const kind = { type: 'string', enum: productKinds } as const;
const status = { type: 'string', enum: productStatuses } as const;

const website = {
  type: ['string', 'null'],
  maxLength: limits.website,
  pattern: patterns.website,
  description: 'http:// or https:// address of the vendor.',
} as const;

export { errorBody, errorResponses } from '../../web/error-schema.ts';

export const idParams = {
  type: 'object',
  properties: { id: uuid },
  required: ['id'],
  additionalProperties: false,
} as const;

export const variantParams = {
  type: 'object',
  properties: { id: uuid, variantId: uuid },
  required: ['id', 'variantId'],
  additionalProperties: false,
} as const;

// ---------------------------------------------------------------------------------------------
// Vendors

const vendorFields = {
  slug,
  name,
  description: text(limits.vendorDescription),
  website,
} as const;

export const vendorCreateBody = {
  type: 'object',
  properties: vendorFields,
  required: ['slug', 'name'],
  additionalProperties: false,
} as const;

export const vendorPatchBody = {
  type: 'object',
  properties: vendorFields,
  minProperties: 1,
  additionalProperties: false,
} as const;

export const vendorResponse = {
  type: 'object',
  properties: {
    id: uuid,
    slug: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    website: { type: ['string', 'null'] },
    created_at: timestamp,
    updated_at: timestamp,
  },
  required: ['id', 'slug', 'name', 'description', 'website', 'created_at', 'updated_at'],
} as const;

export const vendorListResponse = {
  type: 'object',
  properties: { items: { type: 'array', items: vendorResponse } },
  required: ['items'],
} as const;

// ---------------------------------------------------------------------------------------------
// Categories

const categoryFields = {
  slug,
  name,
  description: text(limits.categoryDescription),
  parent_id: nullableUuid,
  position,
} as const;

export const categoryCreateBody = {
  type: 'object',
  properties: categoryFields,
  required: ['slug', 'name'],
  additionalProperties: false,
} as const;

export const categoryPatchBody = {
  type: 'object',
  properties: categoryFields,
  minProperties: 1,
  additionalProperties: false,
} as const;

export const categoryResponse = {
  type: 'object',
  properties: {
    id: uuid,
    slug: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    parent_id: { type: ['string', 'null'] },
    position: { type: 'integer' },
    created_at: timestamp,
    updated_at: timestamp,
  },
  required: ['id', 'slug', 'name', 'description', 'parent_id', 'position', 'created_at', 'updated_at'],
} as const;

export const categoryListResponse = {
  type: 'object',
  properties: { items: { type: 'array', items: categoryResponse } },
  required: ['items'],
} as const;

// ---------------------------------------------------------------------------------------------
// Variants

const variantFields = {
  sku,
  name: { ...name, description: 'Shown next to the product name; defaults to "Standard".' },
  price_minor: priceMinor,
  currency,
  stock,
  position,
} as const;

export const variantCreateBody = {
  type: 'object',
  properties: variantFields,
  required: ['sku', 'price_minor'],
  additionalProperties: false,
} as const;

export const variantPatchBody = {
  type: 'object',
  properties: variantFields,
  minProperties: 1,
  additionalProperties: false,
} as const;

const variantViewProperties = {
  id: uuid,
  sku: { type: 'string' },
  name: { type: 'string' },
  price_minor: { type: 'integer' },
  currency: { type: 'string' },
  stock: { type: ['integer', 'null'] },
  position: { type: 'integer' },
} as const;

const variantView = {
  type: 'object',
  properties: variantViewProperties,
  required: ['id', 'sku', 'name', 'price_minor', 'currency', 'stock', 'position'],
} as const;

export const variantResponse = {
  type: 'object',
  properties: { ...variantViewProperties, product_id: uuid, created_at: timestamp, updated_at: timestamp },
  required: [...variantView.required, 'product_id', 'created_at', 'updated_at'],
} as const;

// ---------------------------------------------------------------------------------------------
// Products

const productFields = {
  slug,
  name,
  description: text(limits.productDescription),
  vendor_id: uuid,
  category_id: nullableUuid,
  kind,
  status: { ...status, description: 'Only active products show in the storefront; archive instead of deleting.' },
} as const;

export const productCreateBody = {
  type: 'object',
  properties: {
    ...productFields,
    variants: {
      type: 'array',
      minItems: 1,
      maxItems: limits.variantsPerProduct,
      items: variantCreateBody,
      description: 'At least one variant: what is actually sold, with its SKU and price.',
    },
  },
  required: ['slug', 'name', 'vendor_id', 'kind', 'variants'],
  additionalProperties: false,
} as const;

export const productPatchBody = {
  type: 'object',
  properties: productFields,
  minProperties: 1,
  additionalProperties: false,
} as const;

const ref = {
  type: 'object',
  properties: { id: uuid, slug: { type: 'string' }, name: { type: 'string' } },
  required: ['id', 'slug', 'name'],
} as const;

export const productResponse = {
  type: 'object',
  properties: {
    id: uuid,
    slug: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    kind,
    status,
    created_at: timestamp,
    updated_at: timestamp,
    vendor: ref,
    category: { anyOf: [ref, { type: 'null' }] },
    variants: { type: 'array', items: variantView },
  },
  required: ['id', 'slug', 'name', 'description', 'kind', 'status', 'created_at', 'updated_at', 'vendor', 'category', 'variants'],
} as const;

export const productListQuery = {
  type: 'object',
  properties: {
    status: { ...status, description: 'Only products with this status; all statuses when absent.' },
    q: { type: 'string', maxLength: limits.searchQuery, pattern: patterns.line, description: 'Words of the name or description, or part of a SKU.' },
    vendor_id: uuid,
    category_id: uuid,
    page: { type: 'integer', minimum: 1, maximum: limits.page, default: 1 },
    per_page: { type: 'integer', minimum: 1, maximum: limits.perPage, default: 20 },
  },
  additionalProperties: false,
} as const;

export const productListResponse = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: uuid,
          slug: { type: 'string' },
          name: { type: 'string' },
          kind,
          status,
          vendor_slug: { type: 'string' },
          vendor_name: { type: 'string' },
          category_slug: { type: ['string', 'null'] },
          category_name: { type: ['string', 'null'] },
          min_price_minor: { type: ['integer', 'null'] },
          currency: { type: ['string', 'null'] },
          stock: { type: ['integer', 'null'] },
          variant_count: { type: 'integer' },
        },
        required: ['id', 'slug', 'name', 'kind', 'status', 'vendor_slug', 'vendor_name', 'min_price_minor', 'variant_count'],
      },
    },
    total: { type: 'integer' },
    page: { type: 'integer' },
    per_page: { type: 'integer' },
  },
  required: ['items', 'total', 'page', 'per_page'],
} as const;

export const stockLevelsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: limits.bulkStock,
      items: { type: 'object', additionalProperties: false, required: ['variant_id', 'stock'], properties: { variant_id: uuid, stock } },
    },
  },
} as const;

export const stockLevelsResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['changed'],
  properties: { changed: { type: 'integer', minimum: 0, description: 'How many variants’ stock changed.' } },
} as const;
