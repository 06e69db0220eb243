// The storefront's pages: plain server-rendered HTML that works without JavaScript. Whole pages
// are cached (see read-cache.ts for why that is safe) except search results and sorted or
// filtered listings, whose keys are whatever visitors type.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../platform/errors.ts';
import { fillCartCount, layout } from '../../web/layout.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { CATALOGUE_CHANGED, getProductBySlug, listCategories, listProducts, type ProductListing, type ProductSummary } from '../catalogue/index.ts';
import { buildCategoryTree, type CategoryTree } from './category-tree.ts';
import { homePage } from './pages/home.ts';
import { listingPage, searchPrompt } from './pages/listing.ts';
import { pageCount, summary } from './pages/parts.ts';
import { type FilterQuery, type Filters, filterForm, filterProperties, filterQueryString, isPlain, listOptionsOf, readFilters } from './filters.ts';
import { productPage, withCsrfToken } from './pages/product.ts';
import { SESSION_COOKIE } from '../../accounts/index.ts';
import { ReadCache } from './read-cache.ts';
import { BRAND_CHANGED } from '../../brand/index.ts';
import type { Db } from '../../platform/db/database.ts';

export const PRODUCTS_PER_PAGE = 12;
const FEATURED_COUNT = 6;
// Enough for every page of a small shop's catalogue; at ~10 KB a page, about 10 MB at most.
const CACHED_PAGES = 1000;
const CACHE_MAX_AGE_MS = 60_000;

const slugParams = {
  type: 'object',
  required: ['slug'],
  properties: { slug: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' } },
} as const;

const pageProperty = { type: 'integer', minimum: 1, maximum: 100_000, default: 1 } as const;
const listingQuery = { type: 'object', properties: { page: pageProperty, ...filterProperties } } as const;
const searchQuery = {
  type: 'object',
  properties: { q: { type: 'string', maxLength: 200, default: '' }, page: pageProperty, ...filterProperties },
} as const;
type ListingQuery = FilterQuery & { page: number };

/** The link of page `n` of a listing at `path` with these filters (and search words). */
function pageHref(path: string, f: Filters, n: number, extra: Record<string, string> = {}): string {
  const params = filterQueryString(f, extra);
  params.set('page', String(n));
  return `${path}?${params.toString()}`;
}

// Pages are kept as UTF-8 bytes: a cache hit is then sent without re-encoding or measuring it
// (unless the visitor has a cart, whose count goes into the header).
function sendPage(request: FastifyRequest, reply: FastifyReply, page: Buffer): FastifyReply {
  const count = request.shopHeader?.cartCount;
  return reply.type('text/html; charset=utf-8').send(count ? fillCartCount(page.toString(), count) : page);
}

function pageMissing(page: number): AppError {
  return new AppError('NOT_FOUND', `There is no page ${page} of this listing.`);
}

export const storefrontRoutes: FastifyPluginAsync = async (app) => {
  const shopName = app.config.shopName;
  const pages = new ReadCache<Buffer>({ maxEntries: CACHED_PAGES, maxAgeMs: CACHE_MAX_AGE_MS });
  const trees = new ReadCache<CategoryTree>({ maxEntries: 1, maxAgeMs: CACHE_MAX_AGE_MS });
  const unlisten = await app.database.listen(CATALOGUE_CHANGED, () => {
    pages.clear();
    trees.clear();
  });
  // A new logo or colours change every page.
  const unlistenBrand = await app.database.listen(BRAND_CHANGED, () => pages.clear());
  app.addHook('onClose', async () => {
    await unlisten();
    await unlistenBrand();
  });

  // A cached product page with its token placeholders emptied, for visitors without a cookie (the
  // usual first view): made once per cached page instead of once per request.
  const anonymousPages = new WeakMap<Buffer, Buffer>();
  const anonymousPage = (page: Buffer): Buffer => {
    let anonymous = anonymousPages.get(page);
    if (anonymous === undefined) {
      anonymous = withCsrfToken(page, '');
      anonymousPages.set(page, anonymous);
    }
    return anonymous;
  };

  // Reads go to the read replica when there is one (decision 0068). What is cached is read from it
  // only once it has replayed every commit made before the load (else from the primary), so a page
  // emptied by a catalogue change is never refilled with what the change replaced. Reads that are
  // not kept use the replica as it is for visitors without a session; with one, they see their writes.
  const forCache = () => app.database.freshReader();
  const forRequest = (request: FastifyRequest) => (request.cookies[SESSION_COOKIE] ? app.database.freshReader() : Promise.resolve(app.database.reader));
  const categoryTree = async (): Promise<CategoryTree> => (await trees.get('tree', async () => buildCategoryTree(await listCategories(await forCache()))))!;

  const render = (title: string, body: SafeHtml, query?: string, description?: string) =>
    Buffer.from(layout({ shopName, title, body, query, description, audience: 'storefront', deferCartCount: true, brand: app.brandLook?.(), siteNotices: app.siteNotices?.() }).value);

  /** A listing page, or undefined when `page` lies past its end (page 1 always exists). */
  const listing = async (page: number, load: (page: number) => Promise<ProductListing>): Promise<ProductListing | undefined> => {
    const result = await load(page);
    return page > pageCount(result.total, result.perPage) ? undefined : result;
  };

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const page = await pages.get('home', async () => {
      const tree = await categoryTree();
      const db = await forCache();
      // A sample of the shop: the first product of up to two shelves of each department.
      const featured: ProductSummary[] = [];
      for (const root of tree.roots) {
        const children = tree.childrenOf(root.id);
        for (const shelf of (children.length ? children : [root]).slice(0, 2)) {
          const { items } = await listProducts(db, { categoryId: shelf.id, page: 1, perPage: 1 });
          if (items[0] && featured.length < FEATURED_COUNT) featured.push(items[0]);
        }
      }
      return render('Home', homePage(shopName, tree, featured), undefined, `${shopName}: software licences, computer hardware, telecom plans and equipment monitoring from independent vendors.`);
    });
    return sendPage(request, reply, page!);
  });

  const currency = app.config.currency;
  const currencyDigits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

  app.get<{ Querystring: ListingQuery }>('/catalogue', { schema: { hide: true, querystring: listingQuery } }, async (request, reply) => {
    const n = request.query.page;
    const tree = await categoryTree();
    const filters = readFilters(request.query, tree);
    const build = async (reader: Db) => {
      const result = await listing(n, (page) => listProducts(reader, { ...listOptionsOf(filters, tree, currencyDigits), page, perPage: PRODUCTS_PER_PAGE }));
      if (!result) return undefined;
      return render(
        n > 1 ? `Catalogue, page ${n}` : 'Catalogue',
        listingPage({
          heading: 'Catalogue',
          lead: html`<p>${isPlain(filters) ? `All ${result.total} products, by name.` : `${result.total} of the shop's products match these filters.`}</p>`,
          tree,
          listing: result,
          hrefFor: (p) => pageHref('/catalogue', filters, p),
          emptyText: isPlain(filters) ? 'There are no products on sale yet.' : 'No product matches these filters.',
          filters: filterForm({ action: '/catalogue', filters, tree, currency }),
        }),
        undefined,
        'Every product on sale: software licences, computer hardware, telecom plans and equipment monitoring.',
      );
    };
    const page = isPlain(filters) ? await pages.get(`catalogue:${n}`, async () => build(await forCache())) : await build(await forRequest(request));
    if (page === undefined) throw pageMissing(n);
    return sendPage(request, reply, page);
  });

  app.get<{ Params: { slug: string }; Querystring: ListingQuery }>('/categories/:slug', { schema: { hide: true, params: slugParams, querystring: listingQuery } }, async (request, reply) => {
    const { slug } = request.params;
    const n = request.query.page;
    const tree = await categoryTree();
    // The category is the page's own; a category field in the query is ignored here.
    const filters = readFilters({ ...request.query, category: '' }, tree);
    const build = async (reader: Db) => {
      const category = tree.bySlug.get(slug);
      if (!category) return undefined;
      const result = await listing(n, (page) => listProducts(reader, { ...listOptionsOf(filters, tree, currencyDigits), categoryId: category.id, page, perPage: PRODUCTS_PER_PAGE }));
      if (!result) return undefined;
      const path = tree.pathTo(category);
      return render(
        n > 1 ? `${category.name}, page ${n}` : category.name,
        listingPage({
          heading: category.name,
          lead: category.description ? html`<p>${category.description}</p>` : undefined,
          trail: [{ href: '/', label: 'Home' }, ...path.slice(0, -1).map((c) => ({ href: `/categories/${c.slug}`, label: c.name })), { label: category.name }],
          tree,
          current: category,
          listing: result,
          hrefFor: (p) => pageHref(`/categories/${category.slug}`, filters, p),
          emptyText: isPlain(filters) ? 'There are no products in this category yet.' : 'No product in this category matches these filters.',
          filters: filterForm({ action: `/categories/${category.slug}`, filters, currency }),
        }),
        undefined,
        summary(category.description || `${category.name} at ${shopName}.`),
      );
    };
    const page = isPlain(filters) ? await pages.get(`category:${slug}:${n}`, async () => build(await forCache())) : await build(await forRequest(request));
    if (page === undefined) throw tree.bySlug.has(slug) ? pageMissing(n) : notFound('This category');
    return sendPage(request, reply, page);
  });

  app.get<{ Querystring: ListingQuery & { q: string } }>('/search', { schema: { hide: true, querystring: searchQuery } }, async (request, reply) => {
    const q = request.query.q.trim();
    const n = request.query.page;
    const tree = await categoryTree();
    const filters = readFilters(request.query, tree);
    if (q === '') return sendPage(request, reply, render('Search', searchPrompt(tree), undefined, `Search the products of ${shopName} by name, description or SKU.`));
    const reader = await forRequest(request);
    const result = await listing(n, (page) => listProducts(reader, { ...listOptionsOf(filters, tree, currencyDigits), query: q, page, perPage: PRODUCTS_PER_PAGE }));
    if (!result) throw pageMissing(n);
    const body = listingPage({
      heading: `Search results for “${q}”`,
      lead: html`<p>${result.total === 1 ? '1 product matches.' : `${result.total} products match.`}</p>`,
      tree,
      listing: result,
      hrefFor: (p) => pageHref('/search', filters, p, { q }),
      emptyText: 'Nothing matches. Try another word or a SKU.',
      filters: filterForm({ action: '/search', filters, query: q, tree, currency }),
    });
    return sendPage(request, reply, render(`Search: ${q}`, body, q, summary(`Products of ${shopName} matching “${q}”.`)));
  });

  app.get<{ Params: { slug: string } }>('/products/:slug', { schema: { hide: true, params: slugParams } }, async (request, reply) => {
    const { slug } = request.params;
    const page = await pages.get(`product:${slug}`, async () => {
      const [product, tree] = await Promise.all([forCache().then((db) => getProductBySlug(db, slug)), categoryTree()]);
      if (product?.status !== 'active') return undefined;
      return render(product.name, productPage(product, tree), undefined, summary(product.description || `${product.name} at ${shopName}.`));
    });
    if (page === undefined) throw notFound('This product');
    // The cached page is the same for everyone; each visitor's "Add to cart" form gets their own CSRF
    // token. Browsing sets no cookie (P000-18): a visitor without one gets an empty token, and the
    // cart asks them to confirm the first add on a page of its own, which sets it (cart/routes.ts).
    if (!request.cookies[SESSION_COOKIE]) return sendPage(request, reply, anonymousPage(page));
    return sendPage(request, reply, withCsrfToken(page, app.accounts.formToken(request, reply)));
  });
};
