// Product pictures: the staff JSON API (the shop's staff token, like the rest of the catalogue API)
// and the console page (a signed-in owner or marketing member, CSRF-checked forms).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addImage, imageUrl, MAX_UPLOAD_BYTES, mediaStorage, type Upload } from '../../media/index.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { StaffRole } from '../../privacy/index.ts';
import { handleForm } from '../../web/form-handling.ts';
import type { FormState } from '../../web/form.ts';
import { sendPage } from '../../web/page.ts';
import { acceptsOneFile } from '../../web/upload.ts';
import { productImagesPage } from './image-page.ts';
import { emptyForm, moveForm, pictureChangeBody, pictureListResponse, pictureParams, pictureResponse, productParams, uploadBody } from './image-schemas.ts';
import { addProductImage, checkAlt, describeProductImage, listProductImages, moveProductImage, removeProductImage, type ProductImage } from './images.ts';
import { errorResponses } from './schemas.ts';
import { catalogueDb } from './queries.ts';

/** Who may change a product's pictures in the console. */
export const PICTURE_ROLES: readonly StaffRole[] = ['owner', 'marketing'];

type UploadBody = { alt?: string; image?: Upload };
type PictureParams = { id: string; pictureId: string };

const withUrls = (p: ProductImage) => ({ ...p, urls: p.widths.map((w) => imageUrl(p.image_id, w)) });

export async function productImageRoutes(app: FastifyInstance): Promise<void> {
  const storage = mediaStorage(app.config);
  const upload = acceptsOneFile(MAX_UPLOAD_BYTES);

  /** Checks the alt text first (cheap), then converts and stores the picture, in one transaction. */
  const addFromUpload = (productId: string, body: UploadBody) =>
    app.db.transaction().execute(async (trx) => {
      const alt = checkAlt(body.alt, 'body.alt');
      const exists = await catalogueDb(trx).selectFrom('catalogue_products').select('id').where('id', '=', productId).executeTakeFirst();
      if (!exists) throw notFound('This product');
      const image = await addImage(trx, storage, body.image, 'body.image');
      return addProductImage(trx, productId, image, alt);
    });

  const schema = (summary: string, extra: object) => ({ tags: ['staff: products'], summary, security: [{ staffToken: [] }], ...extra });

  // ---- JSON API
  app.get<{ Params: { id: string } }>(
    '/api/staff/products/:id/images',
    { onRequest: app.requireStaff, schema: schema('List a product’s pictures', { params: productParams, response: { 200: pictureListResponse, ...errorResponses } }) },
    async (request) => ({ items: (await listProductImages(app.db, request.params.id)).map(withUrls) }),
  );

  app.post<{ Params: { id: string }; Body: UploadBody }>(
    '/api/staff/products/:id/images',
    {
      onRequest: app.requireStaff,
      config: upload,
      schema: schema('Add a picture (multipart/form-data: `image` file, `alt` text)', {
        description:
          'The file is decoded to check it is an image (JPEG, PNG, WebP, GIF, AVIF; at most 10 MB), stripped of metadata and stored as WebP at 320, 640 and 1280 pixels wide. `alt` is required.',
        consumes: ['multipart/form-data'],
        params: productParams,
        body: uploadBody,
        response: { 201: pictureResponse, ...errorResponses },
      }),
    },
    async (request, reply) => reply.code(201).send(withUrls(await addFromUpload(request.params.id, request.body ?? {}))),
  );

  app.patch<{ Params: PictureParams; Body: { position?: number; alt?: string } }>(
    '/api/staff/products/:id/images/:pictureId',
    {
      onRequest: app.requireStaff,
      schema: schema('Move a picture or change its alt text', { params: pictureParams, body: pictureChangeBody, response: { 200: pictureListResponse, ...errorResponses } }),
    },
    async (request) => {
      const { id, pictureId } = request.params;
      const items = await app.db.transaction().execute(async (trx) => {
        if (request.body.alt !== undefined) await describeProductImage(trx, id, pictureId, request.body.alt);
        return request.body.position === undefined ? listProductImages(trx, id) : moveProductImage(trx, id, pictureId, request.body.position);
      });
      return { items: items.map(withUrls) };
    },
  );

  app.delete<{ Params: PictureParams }>(
    '/api/staff/products/:id/images/:pictureId',
    { onRequest: app.requireStaff, schema: schema('Remove a picture', { params: pictureParams, response: { 204: { type: 'null', description: 'Removed.' }, ...errorResponses } }) },
    async (request, reply) => {
      await app.db.transaction().execute((trx) => removeProductImage(trx, request.params.id, request.params.pictureId));
      return reply.code(204).send();
    },
  );

  // ---- Console page
  const load = async (productId: string) => {
    const product = await catalogueDb(app.db).selectFrom('catalogue_products').select(['id', 'name']).where('id', '=', productId).executeTakeFirst();
    if (!product) throw notFound('This product');
    return { productId, productName: product.name, pictures: await listProductImages(app.db, productId) };
  };
  const formState = (request: FastifyRequest, reply: FastifyReply, extra: Partial<FormState> = {}): FormState => ({ csrf: app.accounts.formToken(request, reply), ...extra });
  const gate = (request: FastifyRequest, reply: FastifyReply) => app.accounts.staffPage(request, reply, { roles: PICTURE_ROLES });
  const back = (reply: FastifyReply, productId: string) => reply.redirect(`/staff/catalogue/products/${productId}/images`, 303);

  app.get<{ Params: { id: string } }>('/staff/catalogue/products/:id/images', { schema: { hide: true, params: productParams } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    return sendPage(request, reply, productImagesPage({ ...(await load(request.params.id)), state: formState(request, reply) }));
  });

  app.post<{ Params: { id: string }; Body: UploadBody }>(
    '/staff/catalogue/products/:id/images',
    { config: upload, attachValidation: true, schema: { hide: true, params: productParams, body: uploadBody } },
    async (request, reply) => {
      if (!(await gate(request, reply))) return reply;
      const productId = request.params.id;
      // Loaded first: a refused upload shows the form again over the pictures as they are.
      const current = await load(productId);
      return handleForm(
        request,
        reply,
        (extra) => formState(request, reply, extra),
        ['alt'],
        (state) => productImagesPage({ ...current, state }),
        async () => {
          await addFromUpload(productId, request.body ?? {});
          return back(reply, productId);
        },
      );
    },
  );

  app.post<{ Params: PictureParams; Body: { direction: 'up' | 'down' | 'first' } }>(
    '/staff/catalogue/products/:id/images/:pictureId/move',
    { schema: { hide: true, params: pictureParams, body: moveForm } },
    async (request, reply) => {
      if (!(await gate(request, reply))) return reply;
      const { id, pictureId } = request.params;
      await app.db.transaction().execute(async (trx) => {
        const all = await listProductImages(trx, id);
        const at = all.findIndex((p) => p.id === pictureId);
        if (at === -1) throw new AppError('NOT_FOUND', 'pictureId: this product has no such picture', [{ field: 'params.pictureId', message: 'this product has no such picture' }]);
        const to = request.body.direction === 'first' ? 0 : request.body.direction === 'up' ? at - 1 : at + 1;
        await moveProductImage(trx, id, pictureId, Math.max(0, to));
      });
      return back(reply, id);
    },
  );

  app.post<{ Params: PictureParams }>('/staff/catalogue/products/:id/images/:pictureId/remove', { schema: { hide: true, params: pictureParams, body: emptyForm } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    await app.db.transaction().execute((trx) => removeProductImage(trx, request.params.id, request.params.pictureId));
    return back(reply, request.params.id);
  });
}
