// The vendor portal's sign-in (scoped to the user's vendor) and the owner's API to add vendor users.
// The portal itself (/vendor and below) is the vendors module's (src/vendors/).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { staffActor } from '../../privacy/index.ts';
import { completeReset } from '../customers.ts';
import { vendorLoginPage, vendorSetPasswordPage } from '../pages/vendor.ts';
import { createSession } from '../sessions.ts';
import { createVendorUser } from '../vendor-users.ts';
import { formKit, formRoute } from './form-kit.ts';
import { formValues, emptyBody } from '../../web/form-handling.ts';
import { sendPage } from '../../web/page.ts';
import { errorResponse, loginBody, resetConfirmBody } from './schemas.ts';

type Body = Record<string, string>;
const vendorUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'vendor_id'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', minLength: 3, maxLength: 254 }, vendor_id: { type: 'string', format: 'uuid' } },
} as const;

export async function vendorRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps = accounts.deps;
  const { state, handleForm: form, signIn, passwordSignIn, setPasswordLink } = formKit(app);

  app.get('/vendor/login', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, vendorLoginPage(state(request, reply))));

  app.post('/vendor/login', formRoute(loginBody), async (request, reply) =>
    form(request, reply, ['email'], vendorLoginPage, async () => {
      const user = await passwordSignIn(request, 'vendor');
      await signIn(request, reply, await app.db.transaction().execute((trx) => createSession(trx, user, deps.now())));
      return reply.redirect('/vendor', 303);
    }),
  );

  app.post('/vendor/logout', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    await accounts.signOut(request, reply);
    return reply.redirect('/vendor/login', 303);
  });

  setPasswordLink('/vendor/password/set', vendorSetPasswordPage);

  app.post('/vendor/password/set', formRoute(resetConfirmBody), async (request, reply) => {
    const token = formValues(request.body, ['token']).token!;
    return form(
      request,
      reply,
      [],
      (s) => vendorSetPasswordPage(s, token),
      async () => {
        const body = request.body as Body;
        const issued = await app.db.transaction().execute(async (trx: Db) => {
          const done = await completeReset(deps, trx, { token: body.token!, password: body.new_password! });
          if (done.user.kind !== 'vendor') throw new AppError('LINK_INVALID');
          return done;
        });
        await signIn(request, reply, issued);
        return reply.redirect('/vendor', 303);
      },
    );
  });

  app.post(
    '/api/staff/vendor-users',
    {
      schema: {
        tags: ['staff'],
        summary: 'Add a vendor portal user for one vendor (owner only); they are mailed a link to set their password',
        body: vendorUserBody,
        response: { 201: { type: 'object', properties: { id: { type: 'string' } } }, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse },
      },
    },
    async (request, reply) => {
      const session = await accounts.requireSession(request, 'staff');
      if (session.user.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner adds vendor users.');
      const body = request.body as Body;
      const { user } = await app.db
        .transaction()
        .execute((trx) => createVendorUser(deps, trx, { name: body.name!, email: body.email!, vendorId: body.vendor_id!, actor: staffActor(session.user.id, 'owner') }));
      return reply.code(201).send({ id: user.id });
    },
  );
}
