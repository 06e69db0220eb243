// The vendor portal (/vendor and below): every page passes the gate, which on every request reads
// the signed-in vendor user's session, refuses a suspended vendor at once (P000-09) and sends a
// user who has not accepted the data-use terms in force to them first. Buyer details are shown
// only on an order's page and in the CSV export, each a disclosure through the kernel (buyer.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveSession } from '../accounts/index.ts';
import { type Vendor, getVendorById, setStockLevels, stockOf, vendorStock } from '../commerce/catalogue/index.ts';
import { vendorOrder, vendorOrders, vendorOrdersWithLines, vendorSales } from '../commerce/orders/index.ts';
import { AppError, notFound, validationError } from '../platform/errors.ts';
import { actorTag } from '../privacy/index.ts';
import { formErrors, handleForm } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { sendPage } from '../web/page.ts';
import { pageParam } from '../web/pagination.ts';
import { BUYER_FIELDS, discloseBuyer } from './buyer.ts';
import { csvRow } from './csv.ts';
import { downloadsPage, homePage, licenceKeysPage, orderPage, ordersPage, type PortalHeader, salesPage, stockPage, termsPage, webhookPage } from './pages.ts';
import { filesOfVariants, keyCounts, uploadDownloadFile, uploadLicenceKeys, waitingPerVariant } from '../commerce/delivery/index.ts';
import type { UploadedFile } from '../web/upload.ts';
import { acceptTerms, acceptanceOf, currentTerms, holdUnsuspended, portalStanding } from './store.ts';
import { deliveryLog, removeWebhook, rotateSecret, SIGNATURE_TOLERANCE_SECONDS, setWebhook, webhookOf } from './webhooks.ts';

const PER_PAGE = 25;
const EXPORT_MAX = 1000;
const SUSPENDED = "Your vendor's access to this shop's portal is suspended. Contact the shop.";

interface Visit {
  session: ActiveSession;
  vendor: Vendor;
  header: PortalHeader;
}

const ordersQuery = { type: 'object', additionalProperties: false, properties: { number: { type: 'string', maxLength: 20 }, ...pageParam } } as const;
const exportQuery = { type: 'object', additionalProperties: false, properties: { number: { type: 'string', maxLength: 20 } } } as const;
const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', minLength: 1, maxLength: 20 } } } as const;
const termsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { version: { type: 'string', pattern: '^[0-9]{1,6}$' }, agree: { type: 'string', enum: ['yes'] } },
} as const;
const webhookBody = { type: 'object', additionalProperties: false, required: ['url'], properties: { url: { type: 'string', maxLength: 2000 } } } as const;
const keyResultQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { added: { type: 'integer', minimum: 0, maximum: 1_000_000 }, duplicates: { type: 'integer', minimum: 0, maximum: 1_000_000 } },
} as const;
const keyUploadBody = {
  type: 'object',
  additionalProperties: false,
  properties: { variant: { type: 'string', maxLength: 36 }, keys: { type: 'string', maxLength: 262_144 } },
} as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
const stockBody = { type: 'object', patternProperties: { '^stock\\.[0-9a-f-]{36}$': { type: 'string', maxLength: 12 } }, maxProperties: 500, additionalProperties: false } as const;

export async function vendorPortalRoutes(app: FastifyInstance): Promise<void> {
  registerFlashes(app, {
    'vendors.terms-accepted': 'Thank you: your acceptance of the data-use terms is recorded.',
    'vendors.stock-saved': 'Stock saved.',
    'vendors.stock-unchanged': 'Nothing changed: the stock was already as entered.',
    'vendors.webhook-saved': 'Webhook address saved; the secret is unchanged.',
    'vendors.webhook-removed': 'The webhook is off: nothing more is sent.',
    'vendors.webhook-none': 'There is no webhook to change: set its address first.',
  });

  /** The gate of every portal page; null after a redirect (to sign in, or to the terms). */
  const visit = async (request: FastifyRequest, reply: FastifyReply, options: { needsTerms?: boolean } = {}): Promise<Visit | null> => {
    const session = await app.accounts.session(request);
    if (session?.user.kind !== 'vendor' || session.via !== 'cookie' || !session.user.vendor_id) {
      void reply.redirect('/vendor/login', 303);
      return null;
    }
    const vendorId = session.user.vendor_id;
    const standing = await portalStanding(app.db, vendorId, session.user.id);
    if (standing.suspended) {
      await app.accounts.signOut(request, reply);
      throw new AppError('FORBIDDEN', SUSPENDED);
    }
    const vendor = await getVendorById(app.db, vendorId);
    if (!vendor) throw notFound('Your vendor');
    if (options.needsTerms !== false && !standing.accepted) {
      void reply.redirect('/vendor/terms', 303);
      return null;
    }
    return { session, vendor, header: { vendor: vendor.name, csrf: app.accounts.formToken(request, reply) } };
  };

  app.get('/vendor', { schema: { hide: true } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const [orders, variants] = await Promise.all([vendorOrders(app.db, v.vendor.id, { limit: 1, offset: 0 }), vendorStock(app.db, v.vendor.id)]);
    return sendPage(request, reply, homePage(v.header, { orders: orders.total, variants: variants.length }));
  });

  const showTerms = async (request: FastifyRequest, reply: FastifyReply, v: Visit, state: FormState, status = 200) => {
    const terms = await currentTerms(app.db);
    const accepted = await acceptanceOf(app.db, v.session.user.id, terms.version);
    const earlier = !accepted && terms.version > 1 && (await acceptanceOf(app.db, v.session.user.id, terms.version - 1)) !== null;
    return sendPage(request, reply, termsPage(v.header, { terms, acceptedAt: accepted?.accepted_at ?? null, state, earlier }), status);
  };

  app.get('/vendor/terms', { schema: { hide: true } }, async (request, reply) => {
    const v = await visit(request, reply, { needsTerms: false });
    if (!v) return reply;
    return showTerms(request, reply, v, { csrf: v.header.csrf });
  });

  app.post<{ Body: { version?: string; agree?: string } }>('/vendor/terms', { schema: { hide: true, body: termsBody }, attachValidation: true }, async (request, reply) => {
    const v = await visit(request, reply, { needsTerms: false });
    if (!v) return reply;
    const checkAgreed = () => {
      if (request.body?.agree !== 'yes') throw validationError('agree', 'tick the box to accept the terms');
    };
    try {
      if (request.validationError) throw request.validationError;
      checkAgreed();
      await app.db
        .transaction()
        .execute((trx) => acceptTerms(trx, { userId: v.session.user.id, subject: v.session.user.subject_id, vendorId: v.vendor.id, version: Number(request.body.version), now: new Date() }));
      return redirectWithFlash(reply, '/vendor/orders', 'vendors.terms-accepted');
    } catch (err) {
      const { errors, status } = formErrors(err);
      if (request.body?.agree !== 'yes' && !errors.agree) errors.agree = 'tick the box to accept the terms';
      return showTerms(request, reply, v, { csrf: v.header.csrf, errors }, status);
    }
  });

  app.get<{ Querystring: { number?: string; page?: number } }>('/vendor/orders', { schema: { hide: true, querystring: ordersQuery } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const number = (request.query.number ?? '').trim();
    const page = request.query.page ?? 1;
    let result = await vendorOrders(app.db, v.vendor.id, { number, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    const pageCount = Math.max(1, Math.ceil(result.total / PER_PAGE));
    // A page past the end shows the last one.
    if (page > pageCount) result = await vendorOrders(app.db, v.vendor.id, { number, limit: PER_PAGE, offset: (pageCount - 1) * PER_PAGE });
    return sendPage(request, reply, ordersPage(v.header, { rows: result.rows, total: result.total, page: Math.min(page, pageCount), pageCount, number }));
  });

  app.get<{ Querystring: { number?: string } }>('/vendor/orders.csv', { schema: { hide: true, querystring: exportQuery } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const number = (request.query.number ?? '').trim();
    // One transaction: the buyer details of every exported order are disclosed (ledgered) together, or none.
    const body = await app.db.transaction().execute(async (trx) => {
      if (!(await holdUnsuspended(trx, v.vendor.id))) throw new AppError('FORBIDDEN', SUSPENDED);
      const orders = await vendorOrdersWithLines(trx, v.vendor.id, { number, limit: EXPORT_MAX });
      let csv = csvRow([
        'order',
        'placed_at',
        'status',
        'sku',
        'product',
        'quantity',
        'unit_price_minor',
        'line_total_minor',
        'currency',
        ...BUYER_FIELDS.map((f) => `buyer_${f.label.toLowerCase()}`),
      ]);
      for (const { order, lines } of orders) {
        const buyer = await discloseBuyer(app.privacy, trx, { id: v.vendor.id, actor: v.session.actor }, order);
        const fields = buyer.shown ? buyer.fields.map((f) => f.value) : BUYER_FIELDS.map(() => '');
        for (const l of lines) csv += csvRow([order.number, new Date(order.created_at).toISOString(), order.status, l.sku, l.name, l.quantity, l.unit_minor, l.total_minor, order.currency, ...fields]);
      }
      return csv;
    });
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="orders-${v.vendor.slug}-${new Date().toISOString().slice(0, 10)}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(body);
  });

  app.get<{ Params: { number: string } }>('/vendor/orders/:number', { schema: { hide: true, params: numberParams } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const number = request.params.number.trim().toUpperCase();
    const shown = await app.db.transaction().execute(async (trx) => {
      if (!(await holdUnsuspended(trx, v.vendor.id))) throw new AppError('FORBIDDEN', SUSPENDED);
      const found = await vendorOrder(trx, v.vendor.id, number);
      // Another vendor's order, an unpaid one and no order at all answer the same.
      if (!found) return null;
      return { ...found, buyer: await discloseBuyer(app.privacy, trx, { id: v.vendor.id, actor: v.session.actor }, found.order) };
    });
    if (!shown) throw notFound('This order');
    const { order, lines, buyer } = shown;
    return sendPage(request, reply, orderPage(v.header, { number: order.number, status: order.status, placed: order.created_at, currency: order.currency, lines, buyer }));
  });

  app.get('/vendor/stock', { schema: { hide: true } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    return sendPage(request, reply, stockPage(v.header, { rows: await vendorStock(app.db, v.vendor.id), state: { csrf: v.header.csrf } }));
  });

  app.post('/vendor/stock', { schema: { hide: true, body: stockBody }, attachValidation: true }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const body = (request.body ?? {}) as Record<string, string>;
    const rows = await vendorStock(app.db, v.vendor.id);
    return handleForm(
      request,
      reply,
      (extra) => ({ csrf: v.header.csrf, ...extra }),
      Object.keys(body).filter((k) => k.startsWith('stock.')),
      (state) => stockPage(v.header, { rows, state }),
      async () => {
        const levels = Object.entries(body).map(([name, value]) => ({ variant_id: name.slice('stock.'.length), stock: stockOf(value ?? '') }));
        const { changed } = await setStockLevels(app.db, levels, { via: 'vendor', vendorId: v.vendor.id }, { vendorId: v.vendor.id });
        return redirectWithFlash(reply, '/vendor/stock', changed ? 'vendors.stock-saved' : 'vendors.stock-unchanged');
      },
    );
  });
  app.get('/vendor/sales', { schema: { hide: true } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    return sendPage(request, reply, salesPage(v.header, { rows: await vendorSales(app.db, v.vendor.id) }));
  });

  const variantLabel = (r: { product_name: string; variant_name: string | null; sku: string }) => `${r.product_name}${r.variant_name ? ` ${r.variant_name}` : ''} (${r.sku})`;
  // Licence keys of the vendor's own digital products (decision 0043): uploaded here, never shown back.
  const keyVariants = async (vendorId: string) => {
    const rows = (await vendorStock(app.db, vendorId)).filter((r) => r.kind === 'digital');
    const ids = rows.map((r) => r.id);
    const counts = await keyCounts(app.db, ids);
    const waiting = await waitingPerVariant(app.db, ids);
    return rows.map((r) => ({ id: r.id, label: variantLabel(r), ...counts.get(r.id)!, waiting: waiting.get(r.id) ?? null }));
  };

  app.get<{ Querystring: { added?: number; duplicates?: number } }>('/vendor/licence-keys', { schema: { hide: true, querystring: keyResultQuery } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const { added, duplicates } = request.query;
    const result = added !== undefined ? { added, duplicates: duplicates ?? 0 } : undefined;
    return sendPage(request, reply, licenceKeysPage(v.header, { variants: await keyVariants(v.vendor.id), state: { csrf: v.header.csrf }, ...(result ? { result } : {}) }));
  });

  app.post<{ Body: { variant?: string; keys?: string } }>('/vendor/licence-keys', { schema: { hide: true, body: keyUploadBody }, attachValidation: true }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const variants = await keyVariants(v.vendor.id);
    return handleForm(
      request,
      reply,
      (extra) => ({ csrf: v.header.csrf, ...extra }),
      ['variant'],
      (state) => licenceKeysPage(v.header, { variants, state }),
      async () => {
        const body = request.body ?? {};
        const variantId = body.variant ?? '';
        if (!variants.some((x) => x.id === variantId)) throw validationError('variant', 'is not one of your licence products');
        const result = await uploadLicenceKeys(app.privacy, app.db, { variantId, text: body.keys ?? '', by: actorTag(v.session.actor), vendorId: v.vendor.id });
        return reply.redirect(`/vendor/licence-keys?added=${result.added}&duplicates=${result.duplicates}`, 303);
      },
    );
  });

  // The downloadable files of the vendor's own digital products (decision 0048).
  const { maxBytes } = app.config.downloads;
  const fileVariants = async (vendorId: string) => {
    const rows = (await vendorStock(app.db, vendorId)).filter((r) => r.kind === 'digital');
    const files = await filesOfVariants(
      app.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ id: r.id, label: variantLabel(r), file: files.get(r.id) ?? null }));
  };
  app.get<{ Querystring: { uploaded?: string } }>(
    '/vendor/downloads',
    { schema: { hide: true, querystring: { type: 'object', additionalProperties: false, properties: { uploaded: { type: 'string', enum: ['1'] } } } } },
    async (request, reply) => {
      const v = await visit(request, reply);
      if (!v) return reply;
      return sendPage(request, reply, downloadsPage(v.header, { variants: await fileVariants(v.vendor.id), state: { csrf: v.header.csrf }, maxBytes, uploaded: request.query.uploaded === '1' }));
    },
  );
  app.post<{ Body: { variant?: string; file?: UploadedFile } }>(
    '/vendor/downloads',
    {
      config: { multipartOptions: { limits: { files: 1, fileSize: maxBytes } } },
      schema: { hide: true, body: { type: 'object', additionalProperties: false, properties: { variant: { type: 'string', maxLength: 36 }, file: { type: 'object' } } } },
      attachValidation: true,
    },
    async (request, reply) => {
      const v = await visit(request, reply);
      if (!v) return reply;
      const variants = await fileVariants(v.vendor.id);
      return handleForm(
        request,
        reply,
        (extra) => ({ csrf: v.header.csrf, ...extra }),
        ['variant'],
        (state) => downloadsPage(v.header, { variants, state, maxBytes, uploaded: false }),
        async () => {
          const body = request.body ?? {};
          const variantId = body.variant ?? '';
          if (!variants.some((x) => x.id === variantId)) throw validationError('variant', 'is not one of your digital products');
          const file = body.file;
          if (!file || !Buffer.isBuffer(file.data) || file.data.length === 0) throw validationError('file', 'is required: choose the file buyers download');
          await uploadDownloadFile(
            app.privacy,
            app.db,
            { dataDir: app.config.dataDir, maxBytes },
            { variantId, name: file.filename, data: file.data, truncated: file.truncated, by: actorTag(v.session.actor), vendorId: v.vendor.id },
          );
          return reply.redirect('/vendor/downloads?uploaded=1', 303);
        },
      );
    },
  );

  // The webhook (decision 0045): its address, the secret shown once when made or rotated, the delivery log.
  const showWebhook = async (request: FastifyRequest, reply: FastifyReply, v: Visit, extra: { secret?: string; state?: Partial<FormState> }, status = 200) => {
    const [hook, deliveries] = await Promise.all([webhookOf(app.db, v.vendor.id), deliveryLog(app.db, v.vendor.id)]);
    if (extra.secret) void reply.header('cache-control', 'no-store');
    return sendPage(
      request,
      reply,
      webhookPage(v.header, {
        url: hook?.url ?? null,
        secretAt: hook?.secret_at ?? null,
        secret: extra.secret ?? null,
        deliveries,
        state: { csrf: v.header.csrf, ...extra.state },
        toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS,
      }),
      status,
    );
  };

  app.get('/vendor/webhook', { schema: { hide: true } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    return showWebhook(request, reply, v, {});
  });

  app.post<{ Body: { url: string } }>('/vendor/webhook', { schema: { hide: true, body: webhookBody }, attachValidation: true }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    try {
      if (request.validationError) throw request.validationError;
      const secret = await app.db
        .transaction()
        .execute((trx) => setWebhook(trx, app.privacy, { vendorId: v.vendor.id, url: request.body.url, loopback: app.config.vendorWebhookLoopback, now: new Date() }));
      if (secret) return showWebhook(request, reply, v, { secret });
      return redirectWithFlash(reply, '/vendor/webhook', 'vendors.webhook-saved');
    } catch (err) {
      const { errors, status } = formErrors(err);
      return showWebhook(request, reply, v, { state: { errors, values: { url: typeof request.body?.url === 'string' ? request.body.url.slice(0, 2000) : '' } } }, status);
    }
  });

  app.post('/vendor/webhook/rotate', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const secret = await app.db.transaction().execute((trx) => rotateSecret(trx, app.privacy, v.vendor.id, new Date()));
    if (!secret) return redirectWithFlash(reply, '/vendor/webhook', 'vendors.webhook-none');
    return showWebhook(request, reply, v, { secret });
  });

  app.post('/vendor/webhook/remove', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    const v = await visit(request, reply);
    if (!v) return reply;
    const removed = await app.db.transaction().execute((trx) => removeWebhook(trx, v.vendor.id));
    return redirectWithFlash(reply, '/vendor/webhook', removed ? 'vendors.webhook-removed' : 'vendors.webhook-none');
  });
}
