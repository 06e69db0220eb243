// The services module's routes: the customer's service pages (register, contacts, device key,
// timeline), the device API, the contact's removal link (no sign-in), and the staff console's view
// of registrations (support, owner). One transaction per command.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, checkFields } from '../platform/errors.ts';
import type { StaffRole } from '../privacy/index.ts';
import { emptyBody, formRoute, handleForm, textForm, textOf } from '../web/form-handling.ts';
import type { FormState } from '../web/form.ts';
import { confirmBody, confirmDialog, isConfirmed } from '../web/confirm.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { sendPage } from '../web/page.ts';
import { pageQuery } from '../web/pagination.ts';
import { errorResponses } from '../web/error-schema.ts';
import type { ActiveSession } from '../accounts/index.ts';
import { authenticateDevice, countRequest, eventAccepted, eventBody, type EventInput, ingest } from './devices.ts';
import { contactOfToken, LEAVE_TOKEN_PATTERN } from './leave.ts';
import { editServicePage, leavePage, leftPage, newServicePage, servicePage, type ServiceView, servicesPage, staffServicePage, staffServicesPage } from './pages.ts';
import {
  addContact,
  allRegistrations,
  type CheckedContact,
  checkRegistration,
  checkSiteAndEquipment,
  endRegistration,
  CONTACTS_ACTOR,
  contactChecks,
  contactsOf,
  eventsPage,
  referenceOf,
  register,
  registrationOf,
  registrationsOf,
  removeContact,
  rotateKey,
  serviceProducts,
  siteOf,
  updateRegistration,
} from './registrations.ts';
import { servicesDb } from './tables.ts';

const STAFF_ROLES: readonly StaffRole[] = ['owner', 'support'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const contactParams = { type: 'object', required: ['id', 'contact'], properties: { id: { type: 'string', format: 'uuid' }, contact: { type: 'string', format: 'uuid' } } } as const;
const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: LEAVE_TOKEN_PATTERN } } } as const;
const registrationForm = textForm({ product: 40, site: 400, address: 1000, model: 200, serial: 200, sensors: 20, contact_name: 400, contact_email: 254, contact_phone: 60 });
const registrationFields = ['product', 'site', 'address', 'model', 'serial', 'sensors', 'contact_name', 'contact_email', 'contact_phone'];
const contactForm = textForm({ name: 400, email: 254, phone: 60 });
const editForm = textForm({ site: 400, address: 1000, model: 200, serial: 200, sensors: 20 });
const editFields = ['site', 'address', 'model', 'serial', 'sensors'];

export const servicesRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  registerFlashes(app, {
    'services.updated': 'Saved.',
    'services.ended': 'The service was ended: its device key no longer works, its contacts were removed and erased, and its site was deleted from your data.',
  });
  const kernel = app.privacy;
  const now = () => new Date();
  const publicUrl = app.config.publicUrl;
  const stateOf = (request: FastifyRequest, reply: FastifyReply) => (extra: Partial<FormState>) => ({ csrf: accounts.formToken(request, reply), ...extra });
  const customerOf = (session: ActiveSession) => session.user.subject_id;

  const serviceView = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ActiveSession,
    id: string,
    page: number,
    extra: { newKey?: { deviceId: string; key: string } } = {},
  ): Promise<ServiceView> => {
    const registration = await registrationOf(app.db, id, customerOf(session));
    const view: ServiceView = {
      registration,
      site: await siteOf(kernel, app.db, registration, session.actor),
      // The customer named them: shown to the customer through the job that keeps them (decision 0056).
      contacts: await contactsOf(kernel, app.db, registration.id, CONTACTS_ACTOR),
      events: await eventsPage(app.db, registration.id, page),
      state: { csrf: accounts.formToken(request, reply) },
      publicUrl,
      ...(extra.newKey ? { newKey: extra.newKey } : {}),
    };
    return view;
  };
  const servicePageWith = (view: ServiceView, state: FormState) => servicePage({ ...view, state });

  // ---- The customer's services (P004-04).
  app.get('/account/services', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, servicesPage(await registrationsOf(app.db, customerOf(session))));
  });

  app.get('/account/services/new', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, newServicePage({ csrf: accounts.formToken(request, reply) }, await serviceProducts(app.db)));
  });

  app.post('/account/services/new', formRoute(registrationForm), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const products = await serviceProducts(app.db);
    const body = request.body;
    const input = () => ({
      product: textOf(body, 'product'),
      site: textOf(body, 'site'),
      address: textOf(body, 'address'),
      model: textOf(body, 'model'),
      serial: textOf(body, 'serial'),
      sensors: textOf(body, 'sensors'),
      contact: { name: textOf(body, 'contact_name'), email: textOf(body, 'contact_email'), phone: textOf(body, 'contact_phone') },
    });
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      registrationFields,
      (s) => newServicePage(s, products),
      async () => {
        const checked = checkRegistration(input(), products);
        const made = await app.db.transaction().execute((trx) => register(kernel, trx, { customer: customerOf(session), actor: session.actor, input: checked, publicUrl, now: now() }));
        // The key is shown on this answer only (never in a URL or a later page).
        return sendPage(request, reply, servicePage(await serviceView(request, reply, session, made.id, 1, { newKey: { deviceId: made.deviceId, key: made.key } })), 201);
      },
      () => checkRegistration(input(), products),
    );
  });

  app.get<{ Params: { id: string }; Querystring: { page: number } }>('/account/services/:id', { schema: { hide: true, params: idParams, querystring: pageQuery } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, servicePage(await serviceView(request, reply, session, request.params.id, request.query.page)));
  });

  app.get<{ Params: { id: string } }>('/account/services/:id/edit', { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const registration = await registrationOf(app.db, request.params.id, customerOf(session));
    const site = await siteOf(kernel, app.db, registration, session.actor);
    const values = { site: site?.site ?? '', address: site?.address ?? '', model: registration.equipment_model, serial: registration.equipment_serial, sensors: String(registration.sensors) };
    return sendPage(request, reply, editServicePage(registration, { csrf: accounts.formToken(request, reply), values }));
  });

  app.post<{ Params: { id: string } }>('/account/services/:id/edit', { ...formRoute(editForm), schema: { hide: true, params: idParams, body: editForm } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const registration = await registrationOf(app.db, request.params.id, customerOf(session));
    const body = request.body;
    const input = () =>
      checkSiteAndEquipment({ site: textOf(body, 'site'), address: textOf(body, 'address'), model: textOf(body, 'model'), serial: textOf(body, 'serial'), sensors: textOf(body, 'sensors') });
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      editFields,
      (s) => editServicePage(registration, s),
      async () => {
        const checked = input();
        await app.db.transaction().execute((trx) => updateRegistration(kernel, trx, { registration: registration.id, customer: customerOf(session), actor: session.actor, input: checked }));
        return redirectWithFlash(reply, `/account/services/${registration.id}`, 'services.updated');
      },
      input,
    );
  });

  app.post<{ Params: { id: string } }>('/account/services/:id/end', { schema: { hide: true, params: idParams, body: confirmBody } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const registration = await registrationOf(app.db, request.params.id, customerOf(session));
    const reference = referenceOf(registration.id);
    if (!isConfirmed(request.body)) {
      return sendPage(
        request,
        reply,
        confirmDialog({
          audience: 'account',
          title: `End service ${reference}?`,
          consequence: `The device key of ${reference} stops working now, its events are deleted, every contact is removed and their details erased, and the site’s name and address are deleted from your data. This cannot be undone: to monitor the site again, register it again.`,
          action: `/account/services/${registration.id}/end`,
          csrf: accounts.formToken(request, reply),
          confirmLabel: `End service ${reference}`,
          cancelHref: `/account/services/${registration.id}`,
          danger: true,
        }),
      );
    }
    await app.db.transaction().execute((trx) => endRegistration(kernel, trx, { registration: registration.id, customer: customerOf(session), actor: session.actor, now: now() }));
    return redirectWithFlash(reply, '/account/services', 'services.ended');
  });

  app.post<{ Params: { id: string } }>('/account/services/:id/contacts', { ...formRoute(contactForm), schema: { hide: true, params: idParams, body: contactForm } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const registration = await registrationOf(app.db, request.params.id, customerOf(session));
    const body = request.body;
    const contact: Partial<CheckedContact> = {};
    const checks = () => checkFields(contactChecks({ name: textOf(body, 'name'), email: textOf(body, 'email'), phone: textOf(body, 'phone') }, '', contact));
    // The page to show again with the form's errors.
    const shown = await serviceView(request, reply, session, registration.id, 1);
    return handleForm(
      request,
      reply,
      stateOf(request, reply),
      ['name', 'email', 'phone'],
      (s) => servicePageWith(shown, s),
      async () => {
        checks();
        await app.db.transaction().execute((trx) => addContact(kernel, trx, { registration: registration.id, contact: contact as CheckedContact, publicUrl, now: now() }));
        return reply.code(303).header('cache-control', 'no-store').redirect(`/account/services/${registration.id}#contacts`);
      },
      checks,
    );
  });

  app.post<{ Params: { id: string; contact: string } }>(
    '/account/services/:id/contacts/:contact/remove',
    { schema: { hide: true, params: contactParams, body: emptyBody } },
    async (request, reply) => {
      const session = await accounts.customerPage(request, reply);
      if (!session) return reply;
      const registration = await registrationOf(app.db, request.params.id, customerOf(session));
      await app.db.transaction().execute(async (trx) => {
        const row = await servicesDb(trx).selectFrom('services_contacts').select('id').where('id', '=', request.params.contact).where('registration_id', '=', registration.id).executeTakeFirst();
        if (row) await removeContact(kernel, trx, row.id, 'customer', now());
      });
      return reply.code(303).header('cache-control', 'no-store').redirect(`/account/services/${registration.id}#contacts`);
    },
  );

  app.post<{ Params: { id: string } }>('/account/services/:id/key', { schema: { hide: true, params: idParams, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const registration = await registrationOf(app.db, request.params.id, customerOf(session));
    const newKey = await app.db.transaction().execute((trx) => rotateKey(kernel, trx, registration.id, now()));
    return sendPage(request, reply, servicePage(await serviceView(request, reply, session, registration.id, 1, { newKey })));
  });

  // ---- The device API.
  app.post<{ Params: { id: string }; Body: EventInput }>(
    '/api/services/devices/:id/events',
    {
      schema: {
        tags: ['services'],
        summary: 'A monitoring device reports an event (its own key as the bearer token; at most 30 a minute per device)',
        params: idParams,
        body: eventBody,
        response: { 202: eventAccepted, ...errorResponses },
      },
      // The device is known and its key right before the body is looked at; then it is counted.
      preValidation: async (request, reply) => {
        const { id } = request.params as { id: string };
        const device = await authenticateDevice(app.db, kernel, String(id), request.headers.authorization);
        try {
          await countRequest(app.db, device.id, now());
        } catch (err) {
          const wait = (err as { retryAfter?: number }).retryAfter;
          if (wait) reply.header('retry-after', String(wait));
          throw err;
        }
        (request as FastifyRequest & { device?: typeof device }).device = device;
      },
    },
    async (request, reply) => {
      const device = (request as FastifyRequest & { device?: Awaited<ReturnType<typeof authenticateDevice>> }).device;
      if (!device) throw new AppError('UNAUTHENTICATED');
      const accepted = await app.db.transaction().execute((trx) => ingest(kernel, trx, device, request.body, publicUrl, now()));
      return reply.code(202).send(accepted);
    },
  );

  // ---- The removal link in every mail to a contact (P004-08): no sign-in.
  const contactOf = (token: string) => {
    const id = contactOfToken(kernel, token);
    if (!id) throw new AppError('LINK_INVALID', 'This link is not one of ours, or it was changed on the way.');
    return id;
  };

  app.get<{ Params: { token: string } }>('/services/leave/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const id = contactOf(request.params.token);
    const row = await servicesDb(app.db).selectFrom('services_contacts').select('contact_subject').where('id', '=', id).executeTakeFirst();
    if (!row?.contact_subject) return sendPage(request, reply, leftPage());
    return sendPage(request, reply, leavePage(request.params.token, accounts.formToken(request, reply)));
  });

  app.post<{ Params: { token: string } }>('/services/leave/:token', { schema: { hide: true, params: tokenParams, body: emptyBody } }, async (request, reply) => {
    const id = contactOf(request.params.token);
    await app.db.transaction().execute((trx) => removeContact(kernel, trx, id, 'self', now()));
    return sendPage(request, reply, leftPage());
  });

  // ---- Staff: registrations, to recognise and support the customer (support, owner).
  app.get('/staff/services', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: STAFF_ROLES });
    if (!session) return reply;
    return sendPage(request, reply, staffServicesPage(await allRegistrations(app.db, 200)));
  });

  app.get<{ Params: { id: string }; Querystring: { page: number } }>('/staff/services/:id', { schema: { hide: true, params: idParams, querystring: pageQuery } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: STAFF_ROLES });
    if (!session) return reply;
    const r = await registrationOf(app.db, request.params.id);
    const site = await siteOf(kernel, app.db, r, session.actor);
    const contacts = await contactsOf(kernel, app.db, r.id, session.actor);
    return sendPage(request, reply, staffServicePage(r, site, contacts, await eventsPage(app.db, r.id, request.query.page)));
  });
};
