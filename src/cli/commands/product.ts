// `custodian product list|show|create|update|archive`.
import {
  archiveProduct,
  createProduct,
  updateProduct,
  type ProductInput,
  listProducts,
  type ProductDetail,
  productKinds,
  productStatuses,
  type ProductStatus,
} from '../../commerce/catalogue/index.ts';
import { byCli } from './catalogue-lookup.ts';
import { validationError } from '../../platform/errors.ts';
import { formatMoney } from '../../web/format.ts';
import type { CliArgs, CliCommand, CliContext, FlagSpec } from '../command.ts';
import { defined, int, nullableInt, nullableText, text } from '../flags.ts';
import { details, table } from '../output.ts';
import { categoryIdOf, findProduct, vendorIdOf } from './catalogue-lookup.ts';

const productFlags: Record<string, FlagSpec> = {
  slug: { type: 'string', value: '<slug>', description: 'URL name: lowercase letters, digits and hyphens' },
  name: { type: 'string', value: '<name>', description: 'Product name, up to 200 characters' },
  description: { type: 'string', value: '<text>', description: 'Up to 20000 characters' },
  vendor: { type: 'string', value: '<vendor>', description: 'Vendor slug or id' },
  category: { type: 'string', value: '<category>', description: 'Category slug or id ("none": no category)' },
  kind: { type: 'string', value: `<${productKinds.join('|')}>`, description: 'What is sold' },
  status: { type: 'string', value: `<${productStatuses.join('|')}>`, description: 'Only active products are on sale' },
};

/** The first variant, given with `product create`. */
export const variantFlags: Record<string, FlagSpec> = {
  sku: { type: 'string', value: '<sku>', description: 'Stock-keeping unit, unique, up to 64 characters' },
  price: { type: 'string', value: '<minor-units>', description: 'Price in minor units: 1999 is 19.99' },
  currency: { type: 'string', value: '<ISO 4217>', description: 'Defaults to the shop currency (CURRENCY)' },
  stock: { type: 'string', value: '<n|none>', description: 'Units in stock; "none" (the default): not tracked' },
};

const productFieldNames: Record<string, string> = {
  '': 'options',
  id: '<product>',
  slug: '--slug',
  name: '--name',
  description: '--description',
  vendor_id: '--vendor',
  category_id: '--category',
  kind: '--kind',
  status: '--status',
  variants: '--sku',
  'variants.0.sku': '--sku',
  'variants.0.name': '--variant-name',
  'variants.0.price_minor': '--price',
  'variants.0.currency': '--currency',
  'variants.0.stock': '--stock',
};

function money(minor: number | null, currency: string | null): string | null {
  return minor === null || currency === null ? null : formatMoney(minor, currency);
}

export function showProduct(p: ProductDetail): string {
  const head = details([
    ['id', p.id],
    ['slug', p.slug],
    ['name', p.name],
    ['status', p.status],
    ['kind', p.kind],
    ['vendor', p.vendor.slug],
    ['category', p.category?.slug],
    ['updated', new Date(p.updated_at).toISOString()],
  ]);
  const variants = table(p.variants, [
    { label: 'SKU', value: (v) => v.sku },
    { label: 'NAME', value: (v) => v.name },
    { label: 'PRICE', value: (v) => money(v.price_minor, v.currency), align: 'right' },
    { label: 'STOCK', value: (v) => v.stock, align: 'right' },
    { label: 'POS', value: (v) => v.position, align: 'right' },
    { label: 'ID', value: (v) => v.id },
  ]);
  return `${head}\n\nvariants:\n${variants}`;
}

async function productPatch(ctx: CliContext, args: CliArgs) {
  const vendor = text(args, 'vendor');
  const kind = text(args, 'kind');
  const status = text(args, 'status');
  return defined({
    slug: text(args, 'slug'),
    name: text(args, 'name'),
    description: text(args, 'description'),
    vendor_id: vendor === undefined ? undefined : await vendorIdOf(ctx.db, vendor, '--vendor'),
    category_id: await categoryIdOf(ctx.db, nullableText(args, 'category'), '--category'),
    kind: kind as ProductInput['kind'] | undefined,
    status: status as ProductStatus | undefined,
  });
}

export const productCommands: CliCommand[] = [
  {
    path: ['product', 'list'],
    summary: 'List products of every status, or search them',
    flags: {
      status: { type: 'string', value: `<${productStatuses.join('|')}>`, description: 'Only products with this status' },
      search: { type: 'string', value: '<words>', description: 'Words of the name or description, or part of a SKU' },
      page: { type: 'string', value: '<n>', description: 'Page of 50 (default 1)' },
    },
    fieldNames: { '--search': '--search' },
    async run(ctx, args) {
      const status = text(args, 'status');
      if (status !== undefined && !(productStatuses as readonly string[]).includes(status)) {
        throw validationError('--status', `must be one of ${productStatuses.join(', ')}`);
      }
      const page = int(args, 'page') ?? 1;
      if (page < 1 || page > 10_000) throw validationError('--page', 'must be between 1 and 10000');
      const search = text(args, 'search');
      if (search !== undefined && search.length > 200) throw validationError('--search', 'must be at most 200 characters');
      const listing = await listProducts(ctx.db, {
        statuses: status ? [status as ProductStatus] : productStatuses,
        ...(search !== undefined && { query: search }),
        page,
        perPage: 50,
      });
      const rows = table(listing.items, [
        { label: 'SLUG', value: (p) => p.slug },
        { label: 'NAME', value: (p) => p.name },
        { label: 'STATUS', value: (p) => p.status },
        { label: 'KIND', value: (p) => p.kind },
        { label: 'VENDOR', value: (p) => p.vendor_slug },
        { label: 'CATEGORY', value: (p) => p.category_slug },
        { label: 'FROM', value: (p) => money(p.min_price_minor, p.currency), align: 'right' },
        { label: 'STOCK', value: (p) => p.stock, align: 'right' },
        { label: 'VARIANTS', value: (p) => p.variant_count, align: 'right' },
      ]);
      const pages = Math.max(1, Math.ceil(listing.total / listing.perPage));
      return { data: listing, text: `${rows}\n\n${listing.total} product(s), page ${listing.page} of ${pages}` };
    },
  },
  {
    path: ['product', 'show'],
    summary: 'Show a product and its variants, named by slug or id',
    positionals: ['<product>'],
    fieldNames: productFieldNames,
    async run(ctx, args) {
      const product = await findProduct(ctx.db, args.positionals[0]!, '<product>');
      return { data: product, text: showProduct(product) };
    },
  },
  {
    path: ['product', 'create'],
    summary: 'Create a product with its first variant',
    flags: {
      ...productFlags,
      slug: { ...productFlags.slug!, required: true },
      name: { ...productFlags.name!, required: true },
      vendor: { ...productFlags.vendor!, required: true },
      kind: { ...productFlags.kind!, required: true },
      ...variantFlags,
      sku: { ...variantFlags.sku!, required: true },
      price: { ...variantFlags.price!, required: true },
      'variant-name': { type: 'string', value: '<name>', description: 'Name of the first variant (default "Standard")' },
    },
    fieldNames: productFieldNames,
    async run(ctx, args) {
      const patch = await productPatch(ctx, args);
      const variant = defined({
        sku: text(args, 'sku')!,
        name: text(args, 'variant-name'),
        price_minor: int(args, 'price')!,
        currency: text(args, 'currency'),
        stock: nullableInt(args, 'stock'),
      });
      const product = await createProduct(ctx.db, { ...patch, variants: [variant] } as ProductInput, { currency: ctx.config.currency }, byCli);
      return { data: product, text: `Created product ${product.slug}.\n${showProduct(product)}` };
    },
  },
  {
    path: ['product', 'update'],
    summary: 'Change a product, named by slug or id (its variants: custodian variant …)',
    positionals: ['<product>'],
    flags: productFlags,
    fieldNames: productFieldNames,
    async run(ctx, args) {
      const current = await findProduct(ctx.db, args.positionals[0]!, '<product>');
      const product = await updateProduct(ctx.db, current.id, await productPatch(ctx, args), byCli);
      return { data: product, text: `Updated product ${product.slug}.\n${showProduct(product)}` };
    },
  },
  {
    path: ['product', 'archive'],
    summary: 'Take a product off sale for good (kept for order history); named by slug or id',
    positionals: ['<product>'],
    fieldNames: productFieldNames,
    async run(ctx, args) {
      const current = await findProduct(ctx.db, args.positionals[0]!, '<product>');
      const product = await archiveProduct(ctx.db, current.id, byCli);
      return { data: product, text: `Archived product ${product.slug}.` };
    },
  },
];
