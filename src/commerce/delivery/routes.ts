// The delivery module's routes: the owner's licence-key page of a digital product in the staff
// catalogue console (a multipart form: a textarea or a text file, one key per line), its
// downloadable-file page, and the buyer's download behind a signed, expiring link.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound, validationError } from '../../platform/errors.ts';
import { handleForm } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { sendPage } from '../../web/page.ts';
import type { UploadedFile } from '../../web/upload.ts';
import { actorTag } from '../../privacy/index.ts';
import { getProductById, listProducts } from '../catalogue/index.ts';
import { checkLink } from './downloads.ts';
import { filesOfVariants, readFileBytes, uploadDownloadFile } from './files.ts';
import { deliveryDb, keyCounts, uploadLicenceKeys } from './keys.ts';
import { licenceKeysPage, licenceProductsPage, productFilesPage } from './pages.ts';

const MAX_FILE_BYTES = 1024 * 1024;
const PRODUCTS_LISTED = 200;
const MAX_TEXT = 256 * 1024;
const uuid = { type: 'string', format: 'uuid' } as const;
const productParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const resultQuery = {
  type: 'object',
  properties: { added: { type: 'integer', minimum: 0, maximum: 1_000_000 }, duplicates: { type: 'integer', minimum: 0, maximum: 1_000_000 } },
} as const;
const uploadBody = {
  type: 'object',
  additionalProperties: false,
  properties: { variant: { type: 'string', maxLength: 36 }, keys: { type: 'string', maxLength: MAX_TEXT }, file: { type: 'object' } },
} as const;
// Text fields up to a little over the textarea's limit, so a cut field is refused by the schema, not read short.
const uploadOptions = { multipartOptions: { limits: { files: 1, fileSize: MAX_FILE_BYTES, fieldSize: MAX_TEXT + 1024 } } };

type UploadBody = { variant?: string; keys?: string; file?: UploadedFile };

/** The text of an uploaded file: UTF-8 text of at most 1 MB, or the error naming `file`. */
function fileText(file: UploadedFile | undefined): string {
  if (!file || !Buffer.isBuffer(file.data) || file.data.length === 0) return '';
  if (file.truncated) throw validationError('file', `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(file.data);
    if (text.includes('\0')) throw new Error('binary');
    return text;
  } catch {
    throw validationError('file', 'is not a text file of keys, one per line');
  }
}

export async function deliveryRoutes(app: FastifyInstance): Promise<void> {
  const gate = (request: FastifyRequest, reply: FastifyReply) => app.accounts.staffPage(request, reply, { roles: ['owner'] });
  const waitingOrders = async () =>
    Number(
      (
        await deliveryDb(app.db)
          .selectFrom('delivery_waiting')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  app.get('/staff/catalogue/licence-keys', { schema: { hide: true } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    const listing = await listProducts(app.db, { kind: 'digital', statuses: ['active', 'draft', 'archived'], sort: 'name', page: 1, perPage: PRODUCTS_LISTED });
    const products = listing.items.map((p) => ({ id: p.id, name: p.name, vendor: p.vendor_name, status: p.status, variants: p.variant_count }));
    return sendPage(request, reply, licenceProductsPage({ products, waitingOrders: await waitingOrders(), more: listing.total > products.length }));
  });

  const load = async (productId: string) => {
    const product = await getProductById(app.db, productId);
    if (product?.kind !== 'digital') throw notFound('This digital product');
    const counts = await keyCounts(
      app.db,
      product.variants.map((v) => v.id),
    );
    return {
      productId,
      productName: product.name,
      variants: product.variants.map((v) => ({ id: v.id, sku: v.sku, name: v.name, counts: counts.get(v.id)! })),
      waitingOrders: await waitingOrders(),
    };
  };
  const formState = (request: FastifyRequest, reply: FastifyReply, extra: Partial<FormState> = {}): FormState => ({ csrf: app.accounts.formToken(request, reply), ...extra });

  app.get<{ Params: { id: string }; Querystring: { added?: number; duplicates?: number } }>(
    '/staff/catalogue/products/:id/licence-keys',
    { schema: { hide: true, params: productParams, querystring: resultQuery } },
    async (request, reply) => {
      if (!(await gate(request, reply))) return reply;
      const { added, duplicates } = request.query;
      const result = added !== undefined ? { added, duplicates: duplicates ?? 0 } : undefined;
      return sendPage(request, reply, licenceKeysPage({ ...(await load(request.params.id)), state: formState(request, reply), ...(result ? { result } : {}) }));
    },
  );

  app.post<{ Params: { id: string }; Body: UploadBody }>(
    '/staff/catalogue/products/:id/licence-keys',
    { config: uploadOptions, attachValidation: true, schema: { hide: true, params: productParams, body: uploadBody } },
    async (request, reply) => {
      const session = await gate(request, reply);
      if (!session) return reply;
      const productId = request.params.id;
      const current = await load(productId);
      return handleForm(
        request,
        reply,
        (extra) => formState(request, reply, extra),
        ['variant'],
        (state) => licenceKeysPage({ ...current, state }),
        async () => {
          const body = request.body ?? {};
          const variantId = body.variant ?? '';
          if (!current.variants.some((v) => v.id === variantId)) throw validationError('variant', 'is not a variant of this product');
          const text = [body.keys ?? '', fileText(body.file)].filter((t) => t.trim() !== '').join('\n');
          const result = await uploadLicenceKeys(app.privacy, app.db, { variantId, text, by: actorTag(session.actor) });
          return reply.redirect(`/staff/catalogue/products/${productId}/licence-keys?added=${result.added}&duplicates=${result.duplicates}`, 303);
        },
      );
    },
  );

  // ---- Downloadable files (decision 0048).
  const { maxBytes } = app.config.downloads;
  const loadFiles = async (productId: string) => {
    const product = await getProductById(app.db, productId);
    if (product?.kind !== 'digital') throw notFound('This digital product');
    const files = await filesOfVariants(
      app.db,
      product.variants.map((v) => v.id),
    );
    return { productId, productName: product.name, maxBytes, variants: product.variants.map((v) => ({ id: v.id, sku: v.sku, name: v.name, file: files.get(v.id) ?? null })) };
  };
  app.get<{ Params: { id: string }; Querystring: { uploaded?: string } }>(
    '/staff/catalogue/products/:id/download',
    { schema: { hide: true, params: productParams, querystring: { type: 'object', properties: { uploaded: { type: 'string', enum: ['1'] } } } } },
    async (request, reply) => {
      if (!(await gate(request, reply))) return reply;
      return sendPage(request, reply, productFilesPage({ ...(await loadFiles(request.params.id)), state: formState(request, reply), uploaded: request.query.uploaded === '1' }));
    },
  );
  app.post<{ Params: { id: string }; Body: { variant?: string; file?: UploadedFile } }>(
    '/staff/catalogue/products/:id/download',
    {
      config: { multipartOptions: { limits: { files: 1, fileSize: maxBytes } } },
      attachValidation: true,
      schema: { hide: true, params: productParams, body: { type: 'object', additionalProperties: false, properties: { variant: { type: 'string', maxLength: 36 }, file: { type: 'object' } } } },
    },
    async (request, reply) => {
      const session = await gate(request, reply);
      if (!session) return reply;
      const productId = request.params.id;
      const current = await loadFiles(productId);
      return handleForm(
        request,
        reply,
        (extra) => formState(request, reply, extra),
        ['variant'],
        (state) => productFilesPage({ ...current, state }),
        async () => {
          const body = request.body ?? {};
          const variantId = body.variant ?? '';
          if (!current.variants.some((v) => v.id === variantId)) throw validationError('variant', 'is not a variant of this product');
          const file = body.file;
          if (!file || !Buffer.isBuffer(file.data) || file.data.length === 0) throw validationError('file', 'is required: choose the file buyers download');
          await uploadDownloadFile(
            app.privacy,
            app.db,
            { dataDir: app.config.dataDir, maxBytes },
            { variantId, name: file.filename, data: file.data, truncated: file.truncated, by: actorTag(session.actor) },
          );
          return reply.redirect(`/staff/catalogue/products/${productId}/download?uploaded=1`, 303);
        },
      );
    },
  );

  // The buyer's download: the link is the credential (mailed, or made on their order page), so no
  // sign-in is asked; it names a download id and an expiry, signed, and nothing about the buyer.
  app.get<{ Params: { id: string }; Querystring: { expires?: string; sig?: string } }>(
    '/downloads/:id',
    {
      schema: {
        hide: true,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 36 } } },
        querystring: { type: 'object', properties: { expires: { type: 'string', maxLength: 12 }, sig: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request, reply) => {
      const { variantId } = await checkLink(app.privacy, app.db, { id: request.params.id, expires: request.query.expires ?? '', sig: request.query.sig ?? '' }, new Date());
      const file = (await filesOfVariants(app.db, [variantId])).get(variantId);
      const data = file ? await readFileBytes(app.privacy, app.config.dataDir, file.id) : null;
      if (!file || !data) throw notFound('This download’s file');
      const ascii = file.name.replace(/[^\x20-\x7e]|[\\%]/g, '_');
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('cache-control', 'private, no-store')
        .header('content-length', String(data.length))
        .send(data);
    },
  );
}
