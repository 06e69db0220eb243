// The brand: its stylesheet for every page, and the owner's console page to change it. The
// current look is kept per app and reloaded when any process changes it (NOTIFY), so the layout
// gets it without a query per page.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { addImage, MAX_UPLOAD_BYTES, mediaStorage, type Upload } from '../media/index.ts';
import { AppError } from '../platform/errors.ts';
import { handleForm } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { sendPage } from '../web/page.ts';
import { acceptsOneFile } from '../web/upload.ts';
import { brandPage } from './page.ts';
import { BRAND_CHANGED, brandStylesheet, changeBrand, layoutBrand, readBrand, removeLogo, type Brand } from './settings.ts';

const brandForm = {
  type: 'object',
  additionalProperties: false,
  properties: {
    primary: { type: 'string', maxLength: 20 },
    accent: { type: 'string', maxLength: 20 },
    logo_alt: { type: 'string', maxLength: 1000 },
    logo: { type: 'object' },
  },
} as const;
const emptyForm = { type: ['object', 'null'], additionalProperties: false } as const;
const cssQuery = { type: 'object', properties: { v: { type: 'string', maxLength: 64 } } } as const;

type BrandBody = { primary?: string; accent?: string; logo_alt?: string; logo?: Upload };

export const brandRoutes: FastifyPluginAsync = async (app) => {
  let brand: Brand = await readBrand(app.db);
  let look = layoutBrand(brand);
  let css = brandStylesheet(brand);
  const reload = async () => {
    brand = await readBrand(app.db);
    look = layoutBrand(brand);
    css = brandStylesheet(brand);
  };
  const unlisten = await app.database.listen(BRAND_CHANGED, () => {
    reload().catch((err: unknown) => app.log.error({ err }, 'brand reload failed'));
  });
  app.addHook('onClose', async () => unlisten());
  app.decorate('brandLook', () => look);

  const storage = mediaStorage(app.config);

  app.get<{ Querystring: { v?: string } }>('/brand.css', { schema: { hide: true, querystring: cssQuery } }, async (request, reply) => {
    // The versioned URL names this content for good; any other asks again each time.
    const current = look?.stylesheet.endsWith(`?v=${request.query.v ?? ''}`) ?? false;
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(css);
  });

  const gate = (request: FastifyRequest, reply: FastifyReply) => app.accounts.staffPage(request, reply, { roles: ['owner'] });
  const state = (request: FastifyRequest, reply: FastifyReply, extra: Partial<FormState> = {}): FormState => ({ csrf: app.accounts.formToken(request, reply), ...extra });

  app.get('/staff/brand', { schema: { hide: true } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    return sendPage(request, reply, brandPage({ brand: await readBrand(app.db), state: state(request, reply) }));
  });

  app.post<{ Body: BrandBody }>('/staff/brand', { config: acceptsOneFile(MAX_UPLOAD_BYTES), attachValidation: true, schema: { hide: true, body: brandForm } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    const current = await readBrand(app.db);
    return handleForm(
      request,
      reply,
      (extra) => state(request, reply, extra),
      ['primary', 'accent', 'logo_alt'],
      (s) => brandPage({ brand: current, state: s }),
      async () => {
        const body = request.body ?? {};
        const alt = (body.logo_alt ?? '').trim();
        const newFile = Buffer.isBuffer(body.logo?.data) && body.logo.data.length > 0;
        if ((newFile || current.logo) && alt === '') {
          throw new AppError('VALIDATION_FAILED', 'logo_alt: say what the logo shows', [{ field: 'logo_alt', message: 'say what the logo shows (usually the shop’s name)' }]);
        }
        const saved = await app.db.transaction().execute(async (trx) => {
          const logo = newFile ? { image: await addImage(trx, storage, body.logo, 'logo'), alt } : undefined;
          return changeBrand(trx, { primary: body.primary ?? '', accent: body.accent ?? '', ...(logo ? { logo } : current.logo ? { logoAlt: alt } : {}) });
        });
        await reload();
        return sendPage(request, reply, brandPage({ brand: saved, state: state(request, reply), notice: 'Saved: every page shows the new look.' }));
      },
    );
  });

  app.post('/staff/brand/logo/remove', { schema: { hide: true, body: emptyForm } }, async (request, reply) => {
    if (!(await gate(request, reply))) return reply;
    await app.db.transaction().execute((trx) => removeLogo(trx));
    await reload();
    return reply.redirect('/staff/brand', 303);
  });
};
(brandRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
