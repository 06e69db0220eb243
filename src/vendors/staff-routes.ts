// The owner's console for vendors' access (/staff/vendors): suspend and reinstate a vendor, and
// publish new versions of the data-use terms. A suspension ends the vendor users' sessions in the
// same transaction; the portal's gate refuses the vendor on every later request (P000-09).
import type { FastifyInstance } from 'fastify';
import { endVendorSessions } from '../accounts/index.ts';
import { getVendorById, listVendors } from '../commerce/catalogue/index.ts';
import { notFound } from '../platform/errors.ts';
import { actorTag } from '../privacy/index.ts';
import { confirmBody, confirmDialog, isConfirmed } from '../web/confirm.ts';
import { handleForm, textForm } from '../web/form-handling.ts';
import { redirectWithFlash, registerFlashes } from '../web/flash.ts';
import { sendPage } from '../web/page.ts';
import { termsConsolePage, vendorAccessPage } from './staff-pages.ts';
import { acceptancesOfVersion, currentTerms, openSuspensions, publishTerms, reinstateVendor, suspendVendor, termsVersions, TERMS_MAX } from './store.ts';

const OWNERS = ['owner'] as const;
// The privacy officer reads who is suspended and who accepted which terms; only an owner changes them.
const READERS = ['owner', 'dpo'] as const;
const vendorParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

export async function vendorStaffRoutes(app: FastifyInstance): Promise<void> {
  registerFlashes(app, {
    'vendors.suspended': 'The vendor is suspended: its users were signed out and the portal refuses them.',
    'vendors.reinstated': 'The vendor is reinstated: its users may sign in to the portal again.',
    'vendors.terms-published': 'The new version of the terms is in force: every vendor user must accept it before seeing buyer details again.',
  });

  app.get('/staff/vendors', { schema: { hide: true } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: READERS });
    if (!session) return reply;
    const [vendors, suspended, terms] = await Promise.all([listVendors(app.db), openSuspensions(app.db), currentTerms(app.db)]);
    const accepted = await acceptancesOfVersion(app.db, terms.version);
    const canChange = session.user.role === 'owner';
    return sendPage(request, reply, vendorAccessPage({ vendors, suspended, terms, accepted, canChange, csrf: app.accounts.formToken(request, reply) }));
  });

  app.post<{ Params: { id: string } }>('/staff/vendors/:id/suspend', { schema: { hide: true, params: vendorParams, body: confirmBody } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    const vendor = await getVendorById(app.db, request.params.id);
    if (!vendor) throw notFound('This vendor');
    if (!isConfirmed(request.body)) {
      return sendPage(
        request,
        reply,
        confirmDialog({
          audience: 'staff',
          title: `Suspend ${vendor.name}?`,
          consequence: `Every user of ${vendor.name} is signed out now, and the vendor portal refuses them (orders, buyer details, exports, stock) until you reinstate the vendor.`,
          action: `/staff/vendors/${vendor.id}/suspend`,
          csrf: app.accounts.formToken(request, reply),
          confirmLabel: `Suspend ${vendor.name}`,
          cancelHref: '/staff/vendors',
          danger: true,
        }),
      );
    }
    await app.db.transaction().execute(async (trx) => {
      await suspendVendor(trx, vendor.id, actorTag(session.actor), new Date());
      await endVendorSessions(trx, vendor.id);
    });
    return redirectWithFlash(reply, '/staff/vendors', 'vendors.suspended');
  });

  app.post<{ Params: { id: string } }>('/staff/vendors/:id/reinstate', { schema: { hide: true, params: vendorParams, body: confirmBody } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    const vendor = await getVendorById(app.db, request.params.id);
    if (!vendor) throw notFound('This vendor');
    await app.db.transaction().execute((trx) => reinstateVendor(trx, vendor.id, actorTag(session.actor), new Date()));
    return redirectWithFlash(reply, '/staff/vendors', 'vendors.reinstated');
  });

  app.get('/staff/vendors/terms', { schema: { hide: true } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: READERS });
    if (!session) return reply;
    const versions = await termsVersions(app.db);
    const canChange = session.user.role === 'owner';
    return sendPage(request, reply, termsConsolePage({ versions, canChange, state: { csrf: app.accounts.formToken(request, reply), values: { text: versions[0]!.body } } }));
  });

  app.post<{ Body: { text?: string } }>('/staff/vendors/terms', { schema: { hide: true, body: textForm({ text: TERMS_MAX }) }, attachValidation: true }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    const versions = await termsVersions(app.db);
    return handleForm(
      request,
      reply,
      (extra) => ({ csrf: app.accounts.formToken(request, reply), ...extra }),
      ['text'],
      (state) => termsConsolePage({ versions, canChange: true, state }),
      async () => {
        await app.db.transaction().execute((trx) => publishTerms(trx, String(request.body?.text ?? ''), actorTag(session.actor), new Date()));
        return redirectWithFlash(reply, '/staff/vendors/terms', 'vendors.terms-published');
      },
    );
  });
}
