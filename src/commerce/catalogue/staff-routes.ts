// The staff JSON API of the catalogue under /api/staff: vendors, categories, products and their
// variants. Every route needs the staff token and has full request and response schemas, which
// /openapi.json publishes. Writes go through commands.ts; their field names are re-homed here to
// where the client sent them (`body.slug`, `params.id`).
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import {
  addVariant,
  createCategory,
  createProduct,
  createVendor,
  deleteVariant,
  updateCategory,
  updateProduct,
  updateVariant,
  updateVendor,
  type CategoryInput,
  type CategoryPatch,
  type ProductInput,
  type ProductPatch,
  type VariantInput,
  type VariantPatch,
  type VendorInput,
  type VendorPatch,
} from './commands.ts';
import { getCategoryById, getProductById, getVendorById, listCategories, listProducts, listVendors } from './queries.ts';
import {
  categoryCreateBody,
  categoryListResponse,
  categoryPatchBody,
  categoryResponse,
  errorResponses,
  idParams,
  productCreateBody,
  productListQuery,
  productListResponse,
  productPatchBody,
  productResponse,
  stockLevelsBody,
  stockLevelsResponse,
  variantCreateBody,
  variantParams,
  variantPatchBody,
  variantResponse,
  vendorCreateBody,
  vendorListResponse,
  vendorPatchBody,
  vendorResponse,
} from './schemas.ts';
import { productStatuses, type ProductStatus } from './tables.ts';
import type { ChangedBy } from './changes.ts';
import { setStockLevels, type StockLevel } from './bulk-stock.ts';

// The shop's shared catalogue token names no person: the change log says "the API token".
const byApi: ChangedBy = { via: 'api' };

type IdParams = { id: string };
type VariantParams = { id: string; variantId: string };

interface ProductListQuery {
  status?: ProductStatus;
  q?: string;
  vendor_id?: string;
  category_id?: string;
  page: number;
  per_page: number;
}

// Where a command's field names live in the request: the ids it was given are route params, the
// rest is the body.
const idParam = { id: 'params.id' };
const variantParamNames = { id: 'params.id', variant_id: 'params.variantId' };

function relocate(err: unknown, params: Record<string, string>): unknown {
  if (!(err instanceof AppError) || err.fields.length === 0) return err;
  const fields = err.fields.map(({ field, message }) => ({
    field: Object.hasOwn(params, field) ? params[field]! : field === '' ? 'body' : `body.${field}`,
    message,
  }));
  return new AppError(err.code, fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

async function run<T>(params: Record<string, string>, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    throw relocate(err, params);
  }
}

function missing(what: string): AppError {
  return new AppError('NOT_FOUND', `params.id: no ${what} has this id`, [{ field: 'params.id', message: `no ${what} has this id` }]);
}

export const catalogueStaffRoutes: FastifyPluginAsync = async (app) => {
  /** Route options every staff route shares: the token check, its tag and the error answers. */
  const staff = (tag: string) => (summary: string, schema: FastifySchema & { response: Record<string, unknown> }) => ({
    onRequest: app.requireStaff,
    schema: { tags: [tag], summary, security: [{ staffToken: [] }], ...schema, response: { ...schema.response, ...errorResponses } },
  });
  const vendorRoute = staff('staff: vendors');
  const categoryRoute = staff('staff: categories');
  const productRoute = staff('staff: products');

  // ---- Vendors
  app.get('/api/staff/vendors', vendorRoute('List vendors', { response: { 200: vendorListResponse } }), async () => ({
    items: await listVendors(app.db),
  }));

  app.post<{ Body: VendorInput }>('/api/staff/vendors', vendorRoute('Create a vendor', { body: vendorCreateBody, response: { 201: vendorResponse } }), async (request, reply) =>
    reply.code(201).send(await run({}, () => createVendor(app.db, request.body, byApi))),
  );

  app.get<{ Params: IdParams }>(
    '/api/staff/vendors/:id',
    vendorRoute('Show a vendor', { params: idParams, response: { 200: vendorResponse } }),
    async (request) => (await getVendorById(app.db, request.params.id)) ?? Promise.reject(missing('vendor')),
  );

  app.patch<{ Params: IdParams; Body: VendorPatch }>(
    '/api/staff/vendors/:id',
    vendorRoute('Change a vendor', { params: idParams, body: vendorPatchBody, response: { 200: vendorResponse } }),
    async (request) => run(idParam, () => updateVendor(app.db, request.params.id, request.body, byApi)),
  );

  // ---- Categories
  app.get('/api/staff/categories', categoryRoute('List categories', { response: { 200: categoryListResponse } }), async () => ({
    items: await listCategories(app.db),
  }));

  app.post<{ Body: CategoryInput }>('/api/staff/categories', categoryRoute('Create a category', { body: categoryCreateBody, response: { 201: categoryResponse } }), async (request, reply) =>
    reply.code(201).send(await run({}, () => createCategory(app.db, request.body, byApi))),
  );

  app.get<{ Params: IdParams }>(
    '/api/staff/categories/:id',
    categoryRoute('Show a category', { params: idParams, response: { 200: categoryResponse } }),
    async (request) => (await getCategoryById(app.db, request.params.id)) ?? Promise.reject(missing('category')),
  );

  app.patch<{ Params: IdParams; Body: CategoryPatch }>(
    '/api/staff/categories/:id',
    categoryRoute('Change a category', {
      description: 'A category cannot become its own ancestor.',
      params: idParams,
      body: categoryPatchBody,
      response: { 200: categoryResponse },
    }),
    async (request) => run(idParam, () => updateCategory(app.db, request.params.id, request.body, byApi)),
  );

  // ---- Products
  app.get<{ Querystring: ProductListQuery }>(
    '/api/staff/products',
    productRoute('List and search products of any status', { querystring: productListQuery, response: { 200: productListResponse } }),
    async (request) => {
      const { status, q, vendor_id, category_id, page, per_page } = request.query;
      const listing = await listProducts(app.db, {
        statuses: status ? [status] : productStatuses,
        ...(q !== undefined && { query: q }),
        ...(vendor_id !== undefined && { vendorId: vendor_id }),
        ...(category_id !== undefined && { categoryId: category_id }),
        page,
        perPage: per_page,
      });
      return { items: listing.items, total: listing.total, page: listing.page, per_page: listing.perPage };
    },
  );

  app.post<{ Body: ProductInput }>(
    '/api/staff/products',
    productRoute('Create a product with its first variants', { body: productCreateBody, response: { 201: productResponse } }),
    async (request, reply) => reply.code(201).send(await run({}, () => createProduct(app.db, request.body, { currency: app.config.currency }, byApi))),
  );

  app.get<{ Params: IdParams }>(
    '/api/staff/products/:id',
    productRoute('Show a product with its variants', { params: idParams, response: { 200: productResponse } }),
    async (request) => (await getProductById(app.db, request.params.id)) ?? Promise.reject(missing('product')),
  );

  app.patch<{ Params: IdParams; Body: ProductPatch }>(
    '/api/staff/products/:id',
    productRoute('Change a product', {
      description: 'Archive a product by setting its status to "archived"; it then leaves the storefront.',
      params: idParams,
      body: productPatchBody,
      response: { 200: productResponse },
    }),
    async (request) => run(idParam, () => updateProduct(app.db, request.params.id, request.body, byApi)),
  );

  // ---- Variants
  app.post<{ Params: IdParams; Body: VariantInput }>(
    '/api/staff/products/:id/variants',
    productRoute('Add a variant to a product', { params: idParams, body: variantCreateBody, response: { 201: variantResponse } }),
    async (request, reply) => reply.code(201).send(await run(variantParamNames, () => addVariant(app.db, request.params.id, request.body, { currency: app.config.currency }, byApi))),
  );

  app.patch<{ Params: VariantParams; Body: VariantPatch }>(
    '/api/staff/products/:id/variants/:variantId',
    productRoute('Change a variant', { params: variantParams, body: variantPatchBody, response: { 200: variantResponse } }),
    async (request) => run(variantParamNames, () => updateVariant(app.db, request.params.id, request.params.variantId, request.body, byApi)),
  );

  app.delete<{ Params: VariantParams }>(
    '/api/staff/products/:id/variants/:variantId',
    productRoute('Remove a variant', {
      description: 'A product keeps at least one variant: removing the last one is a 409; archive the product instead.',
      params: variantParams,
      response: { 204: { type: 'null', description: 'Removed.' } },
    }),
    async (request, reply) => {
      await run(variantParamNames, () => deleteVariant(app.db, request.params.id, request.params.variantId, byApi));
      return reply.code(204).send();
    },
  );

  // ---- Stock
  app.post<{ Body: { items: StockLevel[] } }>(
    '/api/staff/stock',
    productRoute('Set many variants’ stock at once', {
      description: 'All or nothing, in one transaction: a bad entry is a 400 naming every one (`body.stock.<variant id>`, the message starting with its SKU) and nothing changes.',
      body: stockLevelsBody,
      response: { 200: stockLevelsResponse },
    }),
    async (request) => run({}, () => setStockLevels(app.db, request.body.items, byApi)),
  );
};
