// The staff console's product pages under /staff/catalogue: the list, a new product, a product's
// details, status and variants. Every post runs the same command as the JSON API (one transaction,
// recorded in the change log with the signed-in staff member) and comes back with a 303 and a
// notice, or shows its form again naming every bad field.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { textForm } from '../../web/form-handling.ts';
import { sendPage } from '../../web/page.ts';
import { productHistory } from './changes.ts';
import { FieldProblems } from './checks.ts';
import {
  addVariant,
  createProduct,
  DEFAULT_VARIANT_NAME,
  deleteVariant,
  newProductProblems,
  productPatchProblems,
  updateProduct,
  updateVariant,
  variantProblems,
  type ProductInput,
  type VariantPatch,
} from './commands.ts';
import { type ConsoleStaff, consoleStaff } from './console-access.ts';
import { type Body, doneQuery, formBody, formStateOf, noticeOf, priceOf, slugFrom, stockOf, text, throwAll, typed } from './console-forms.ts';
import { majorAmount } from '../../web/money.ts';
import { type ProductPageForms, productPage, variantPage, variantState } from './pages/product.ts';
import { newProductPage, productListPage, type ProductFilter } from './pages/products.ts';
import { getProductById, listCategories, listProducts, listVendors, type ProductDetail } from './queries.ts';
import { limits } from './schemas.ts';
import { type BillingPeriod, productStatuses, type ProductStatus } from './tables.ts';

const PER_PAGE = 25;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const variantParams = { type: 'object', required: ['id', 'variantId'], properties: { id: { type: 'string', format: 'uuid' }, variantId: { type: 'string', format: 'uuid' } } } as const;
const listQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: limits.searchQuery },
    status: { type: 'string', maxLength: 20 },
    category_id: { type: 'string', maxLength: 40 },
    vendor_id: { type: 'string', maxLength: 40 },
    page: { type: 'integer', minimum: 1, maximum: limits.page, default: 1 },
  },
} as const;

const productForm = { name: limits.name, slug: limits.slug, description: limits.productDescription, vendor_id: 40, category_id: 40, kind: 20 };
const variantForm = { sku: limits.sku, name: limits.name, price: 20, currency: 3, stock: 12, billing_period: 10 };
const newProductForm = textForm({ ...productForm, sku: limits.sku, variant_name: limits.name, price: 20, currency: 3, stock: 12, billing_period: 10 });
const productFields = Object.keys(productForm);
const newProductFields = [...productFields, 'sku', 'variant_name', 'price', 'currency', 'stock', 'billing_period'];
const variantFields = Object.keys(variantForm);

/** A variant command's field → the form's input. */
const variantInput = (prefix: string, nameField: string) => (field: string) => {
  const rest = field.startsWith(prefix) ? field.slice(prefix.length) : null;
  if (rest === null) return null;
  return ({ sku: 'sku', name: nameField, price_minor: 'price', currency: 'currency', stock: 'stock', billing_period: 'billing_period' } as Record<string, string>)[rest] ?? null;
};
const productInput = (field: string) => (productFields.includes(field) ? field : null);

type IdParams = { id: string };
type VariantParams = { id: string; variantId: string };

export async function consoleProductRoutes(app: FastifyInstance): Promise<void> {
  const csrf = (request: FastifyRequest, reply: FastifyReply) => app.accounts.formToken(request, reply);
  const defaults = { currency: app.config.currency };
  const hidden = (extra: object = {}) => ({ schema: { hide: true, ...extra } });
  const formRoute = (body: object, params?: object) => ({ schema: { hide: true, body, ...(params ? { params } : {}) }, attachValidation: true });

  app.get<{ Querystring: { q?: string; status?: string; category_id?: string; vendor_id?: string; page: number; done?: string } }>(
    '/staff/catalogue',
    hidden({ querystring: { ...listQuery, properties: { ...listQuery.properties, ...doneQuery.properties } } }),
    async (request, reply) => {
      const staff = await consoleStaff(app, request, reply, 'view');
      if (!staff) return reply;
      const q = request.query;
      const filter: ProductFilter = {
        q: (q.q ?? '').trim(),
        status: (productStatuses as readonly string[]).includes(q.status ?? '') ? (q.status as ProductStatus) : '',
        category_id: uuidRe.test(q.category_id ?? '') ? q.category_id!.toLowerCase() : '',
        vendor_id: uuidRe.test(q.vendor_id ?? '') ? q.vendor_id!.toLowerCase() : '',
        page: q.page,
      };
      const listing = await listProducts(app.db, {
        statuses: filter.status ? [filter.status] : productStatuses,
        ...(filter.q && { query: filter.q }),
        ...(filter.category_id && { categoryId: filter.category_id }),
        ...(filter.vendor_id && { vendorId: filter.vendor_id }),
        page: filter.page,
        perPage: PER_PAGE,
      });
      const [categories, vendors] = [await listCategories(app.db), await listVendors(app.db)];
      const notice = noticeOf(q.done);
      return sendPage(request, reply, productListPage({ listing, filter, categories, vendors, can: staff.can, ...(notice && { notice }) }));
    },
  );

  const newProductView = async (request: FastifyRequest, reply: FastifyReply, staff: ConsoleStaff, state = { csrf: csrf(request, reply) }, status = 200) =>
    sendPage(request, reply, newProductPage({ state, categories: await listCategories(app.db), vendors: await listVendors(app.db), currency: defaults.currency, can: staff.can }), status);

  app.get('/staff/catalogue/products/new', hidden(), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    return newProductView(request, reply, staff);
  });

  app.post('/staff/catalogue/products', formRoute(newProductForm), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    try {
      const body = formBody(request);
      const p = new FieldProblems();
      const currency = text(body, 'currency').toUpperCase() || defaults.currency;
      // An unchosen vendor or kind is left out: the command names it as required.
      const input = {
        ...productInputOf(body),
        status: 'draft',
        variants: [
          {
            sku: text(body, 'sku'),
            ...(text(body, 'variant_name') && { name: text(body, 'variant_name') }),
            price_minor: priceOf(p, 'variants.0.price_minor', text(body, 'price'), currency) ?? 0,
            currency,
            stock: stockOf(text(body, 'stock')) as number | null,
            billing_period: (text(body, 'billing_period') || null) as BillingPeriod | null,
          },
        ],
      } as ProductInput;
      throwAll(p, newProductProblems(input, defaults));
      const product = await createProduct(app.db, input, defaults, staff.by);
      return reply.redirect(`/staff/catalogue/products/${product.id}?done=created`, 303);
    } catch (err) {
      const rename = (f: string) => productInput(f) ?? variantInput('variants.0.', 'variant_name')(f);
      const { state, status } = formStateOf(err, csrf(request, reply), { currency: defaults.currency, ...typed(request.body, newProductFields) }, rename);
      return newProductView(request, reply, staff, state, status);
    }
  });

  const productView = async (request: FastifyRequest, reply: FastifyReply, staff: ConsoleStaff, product: ProductDetail, forms: ProductPageForms = {}, status = 200, notice?: string) => {
    const history = await productHistory(app.db, product.id);
    const names = await app.accounts.staffLabels(
      app.db,
      history.flatMap((c) => (c.staff_id ? [c.staff_id] : [])),
      staff.actor,
    );
    const page = productPage({
      product,
      csrf: csrf(request, reply),
      forms,
      categories: await listCategories(app.db),
      vendors: await listVendors(app.db),
      currency: defaults.currency,
      history,
      staff: names,
      can: staff.can,
      ...(notice && { notice }),
    });
    return sendPage(request, reply, page, status);
  };
  const productOr404 = async (id: string) => (await getProductById(app.db, id)) ?? Promise.reject(notFound('The product'));

  app.get<{ Params: IdParams; Querystring: { done?: string } }>('/staff/catalogue/products/:id', hidden({ params: idParams, querystring: doneQuery }), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'view');
    if (!staff) return reply;
    return productView(request, reply, staff, await productOr404(request.params.id), {}, 200, noticeOf(request.query.done));
  });

  app.post<{ Params: IdParams }>('/staff/catalogue/products/:id', formRoute(textForm(productForm), idParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const product = await productOr404(request.params.id);
    try {
      const body = formBody(request);
      const patch = { ...productInputOf(body), category_id: text(body, 'category_id') || null };
      throwAll(new FieldProblems(), productPatchProblems(patch));
      await updateProduct(app.db, product.id, patch, staff.by);
      return reply.redirect(`/staff/catalogue/products/${product.id}?done=saved`, 303);
    } catch (err) {
      const { state, status } = formStateOf(err, csrf(request, reply), typed(request.body, productFields), productInput);
      return productView(request, reply, staff, product, { details: state }, status);
    }
  });

  app.post<{ Params: IdParams }>('/staff/catalogue/products/:id/status', formRoute(textForm({ status: 20 }, ['status']), idParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const product = await productOr404(request.params.id);
    try {
      const status = text(formBody(request), 'status');
      await updateProduct(app.db, product.id, { status: status as ProductStatus }, staff.by);
      const done = status === 'active' ? 'published' : status === 'draft' ? 'unpublished' : 'archived';
      return reply.redirect(`/staff/catalogue/products/${product.id}?done=${done}`, 303);
    } catch (err) {
      const { state, status } = formStateOf(err, '', {}, () => null);
      return productView(request, reply, staff, product, { action: Object.values(state.errors ?? {}).join(' ') }, status);
    }
  });

  app.post<{ Params: IdParams }>('/staff/catalogue/products/:id/variants', formRoute(textForm(variantForm), idParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const product = await productOr404(request.params.id);
    try {
      const input = variantInputOf(formBody(request), defaults.currency, true);
      await addVariant(app.db, product.id, { ...input, sku: input.sku ?? '', price_minor: input.price_minor ?? 0 }, defaults, staff.by);
      return reply.redirect(`/staff/catalogue/products/${product.id}?done=variant-added#add-variant`, 303);
    } catch (err) {
      const { state, status } = formStateOf(err, csrf(request, reply), typed(request.body, variantFields), variantInput('', 'name'));
      return productView(request, reply, staff, product, { variant: state }, status);
    }
  });

  const variantOr404 = (product: ProductDetail, variantId: string) => product.variants.find((v) => v.id === variantId.toLowerCase()) ?? Promise.reject(notFound('The variant'));

  app.get<{ Params: VariantParams }>('/staff/catalogue/products/:id/variants/:variantId', hidden({ params: variantParams }), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const product = await productOr404(request.params.id);
    const variant = await variantOr404(product, request.params.variantId);
    const state = variantState(variant, csrf(request, reply), majorAmount(variant.price_minor, variant.currency));
    return sendPage(request, reply, variantPage({ product, variant, state, can: staff.can }));
  });

  app.post<{ Params: VariantParams }>('/staff/catalogue/products/:id/variants/:variantId', formRoute(textForm(variantForm), variantParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const product = await productOr404(request.params.id);
    const variant = await variantOr404(product, request.params.variantId);
    try {
      await updateVariant(app.db, product.id, variant.id, variantInputOf(formBody(request), variant.currency, false), staff.by);
      return reply.redirect(`/staff/catalogue/products/${product.id}?done=variant-saved`, 303);
    } catch (err) {
      const { state, status } = formStateOf(err, csrf(request, reply), typed(request.body, variantFields), variantInput('', 'name'));
      return sendPage(request, reply, variantPage({ product, variant, state, can: staff.can }), status);
    }
  });

  app.post<{ Params: VariantParams }>('/staff/catalogue/products/:id/variants/:variantId/remove', formRoute(textForm({}), variantParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const product = await productOr404(request.params.id);
    try {
      formBody(request);
      await deleteVariant(app.db, product.id, request.params.variantId, staff.by);
      return reply.redirect(`/staff/catalogue/products/${product.id}?done=variant-removed`, 303);
    } catch (err) {
      const { state, status } = formStateOf(err, '', {}, () => null);
      return productView(request, reply, staff, (await getProductById(app.db, product.id)) ?? product, { action: Object.values(state.errors ?? {}).join(' ') }, status);
    }
  });
}

/** A product's own fields from its form; an empty slug is made from the name. */
function productInputOf(body: Body) {
  const name = text(body, 'name');
  const category = text(body, 'category_id');
  return {
    name,
    slug: text(body, 'slug') || slugFrom(name),
    description: (body.description ?? '').replace(/\r\n/g, '\n'),
    category_id: category === '' ? null : category,
    // Left unchosen, they are "required" rather than "not a UUID".
    ...(text(body, 'vendor_id') && { vendor_id: text(body, 'vendor_id') }),
    ...(text(body, 'kind') && { kind: text(body, 'kind') as ProductInput['kind'] }),
  };
}

/** A variant from its form, checked as a whole (the typed price and stock with the command's own checks); throws every problem. */
function variantInputOf(body: Body, fallbackCurrency: string, isNew: boolean): VariantPatch {
  const p = new FieldProblems();
  const currency = text(body, 'currency').toUpperCase() || fallbackCurrency;
  const price = priceOf(p, 'price_minor', text(body, 'price'), currency);
  const name = text(body, 'name');
  const input: VariantPatch = {
    sku: text(body, 'sku'),
    ...(name ? { name } : isNew ? {} : { name: DEFAULT_VARIANT_NAME }),
    ...(price !== undefined && { price_minor: price }),
    currency,
    stock: stockOf(text(body, 'stock')) as number | null,
    billing_period: (text(body, 'billing_period') || null) as BillingPeriod | null,
  };
  throwAll(p, variantProblems({ ...input, price_minor: input.price_minor ?? 0 }, isNew ? { currency: fallbackCurrency } : undefined));
  return input;
}
