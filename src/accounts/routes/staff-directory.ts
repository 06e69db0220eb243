// Console pages: find a customer by email (any staff role, under a purpose it may use; the kernel
// decides and audits, a refusal is an intrusion signal) and the owner's vendor users page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listVendors } from '../../commerce/catalogue/index.ts';
import { ordersOfCustomer } from '../../commerce/orders/index.ts';
import { notFound } from '../../platform/errors.ts';
import { staffCustomerPage } from '../pages/customer-orders.ts';
import { CONTACT_PREFERENCE, contactChannelOf, staffActor, isPrivacyRefusal } from '../../privacy/index.ts';
import { EMAIL, NAME, readProfile } from '../identity.ts';
import { customerLookupPage, vendorUsersPage, type CustomerFound, type VendorUserListing } from '../pages/staff-directory.ts';
import type { FormState } from '../../web/form.ts';
import { findCustomersAsStaff, readAsStaff } from '../staff-access.ts';
import { accountsDb, type UserRow } from '../tables.ts';
import { usersOfSubjects } from '../users.ts';
import { createVendorUser } from '../vendor-users.ts';
import { formKit, formRoute } from './form-kit.ts';
import { sendPage } from '../../web/page.ts';
import { staffPageGate } from './staff-gate.ts';

type Body = Record<string, string>;
/** The roles that serve customers and their orders open a customer's page; the others are refused. */
const CUSTOMER_PAGE_ROLES = ['owner', 'support', 'fulfilment'] as const;
const subjectParams = { type: 'object', required: ['subject'], properties: { subject: { type: 'string', format: 'uuid' } } } as const;
const purposeQuery = { type: 'object', additionalProperties: false, properties: { purpose: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 } } } as const;
const lookupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'purpose'],
  properties: { email: { type: 'string', minLength: 3, maxLength: 254 }, purpose: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 } },
} as const;
const vendorUserForm = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'vendor_id'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', minLength: 3, maxLength: 254 }, vendor_id: { type: 'string', format: 'uuid' } },
} as const;

export async function staffDirectoryRoutes(app: FastifyInstance): Promise<void> {
  const deps = app.accounts.deps;
  const gate = staffPageGate(app);
  const { state, handleForm } = formKit(app);
  const purposesOf = (user: UserRow) => [...(deps.kernel.map.roles.get(user.role!)?.purposes ?? [])];
  const opensCustomers = (user: UserRow) => (CUSTOMER_PAGE_ROLES as readonly string[]).includes(user.role!);

  app.get('/staff/customers', { schema: { hide: true } }, async (request, reply) => {
    const session = await gate(request, reply);
    if (!session) return reply;
    return sendPage(request, reply, customerLookupPage({ state: state(request, reply), purposes: purposesOf(session.user) }));
  });

  app.post('/staff/customers', formRoute(lookupBody), async (request, reply) => {
    const session = await gate(request, reply);
    if (!session) return reply;
    const page = (s: FormState, found?: CustomerFound[]) => customerLookupPage({ state: s, purposes: purposesOf(session.user), pages: opensCustomers(session.user), ...(found ? { found } : {}) });
    return handleForm(request, reply, ['email', 'purpose'], page, async () => {
      const body = request.body as Body;
      const visible = deps.kernel.map.roles.get(session.user.role!)?.categories ?? new Set<string>();
      const categories = [NAME, EMAIL].filter((c) => visible.has(c));
      try {
        const subjects = await findCustomersAsStaff(deps, app.db, session.user, { email: body.email!, purpose: body.purpose! });
        const found: CustomerFound[] = [];
        for (const user of await usersOfSubjects(app.db, subjects, 'customer')) {
          const record = categories.length ? await readAsStaff(deps, app.db, session.user, { subject: user.subject_id, purpose: body.purpose!, categories }) : { values: {} };
          found.push({ subject: user.subject_id, status: user.status, since: user.created_at, values: Object.fromEntries(Object.entries(record.values).map(([k, v]) => [k, String(v)])) });
        }
        return sendPage(request, reply, page(state(request, reply, { values: { email: body.email!, purpose: body.purpose! } }), found));
      } catch (err) {
        // The kernel's refusal names the rule; the form shows it next to the purpose.
        if (isPrivacyRefusal(err)) return sendPage(request, reply, page(state(request, reply, { values: { email: body.email!, purpose: body.purpose! }, errors: { purpose: err.message } })), 403);
        throw err;
      }
    });
  });

  // A customer's page: for the roles that serve customers and their orders; their name and email
  // are read under the purpose the lookup named (or the role's customer purpose), audited.
  app.get<{ Params: { subject: string }; Querystring: { purpose?: string } }>(
    '/staff/customers/:subject',
    { schema: { hide: true, params: subjectParams, querystring: purposeQuery } },
    async (request, reply) => {
      const session = await gate(request, reply, { roles: CUSTOMER_PAGE_ROLES });
      if (!session) return reply;
      const [user] = await usersOfSubjects(app.db, [request.params.subject], 'customer');
      if (!user) throw notFound('Customer');
      const mine = purposesOf(session.user);
      const asked = request.query.purpose;
      const purpose = asked && mine.includes(asked) ? asked : (['support', 'order-status'].find((p) => mine.includes(p)) ?? mine[0]!);
      const visible = deps.kernel.map.roles.get(session.user.role!)?.categories ?? new Set<string>();
      const allowed = deps.kernel.map.purposes.get(purpose)?.categories ?? new Set<string>();
      // With name and email, in the same read: how they want to be answered (P004-14), for the roles and purposes that may see it.
      const categories = [NAME, EMAIL, CONTACT_PREFERENCE.category].filter((c) => visible.has(c) && allowed.has(c));
      const record = categories.length ? await readAsStaff(deps, app.db, session.user, { subject: user.subject_id, purpose, categories }) : { values: {} };
      const values = Object.fromEntries(Object.entries(record.values).flatMap(([k, v]) => (k === CONTACT_PREFERENCE.category ? [] : [[k, String(v)]])));
      const prefers = categories.includes(CONTACT_PREFERENCE.category) ? (contactChannelOf(record) ?? 'email') : null;
      const orders = await ordersOfCustomer(app.db, user.subject_id);
      return sendPage(request, reply, staffCustomerPage({ subject: user.subject_id, purpose, status: user.status, since: user.created_at, values, orders, prefers }));
    },
  );

  const vendorUsers = async (owner: UserRow): Promise<VendorUserListing[]> => {
    const rows = await accountsDb(app.db).selectFrom('accounts_users').selectAll().where('kind', '=', 'vendor').orderBy('created_at').execute();
    const names = new Map((await listVendors(app.db)).map((v) => [v.id, v.name]));
    const actor = staffActor(owner.id, 'owner');
    const out: VendorUserListing[] = [];
    for (const user of rows) {
      const profile = await readProfile(deps.kernel, app.db, user, actor);
      out.push({ id: user.id, name: profile.name, email: profile.email, vendor: names.get(user.vendor_id!) ?? '(removed)', status: user.status });
    }
    return out;
  };
  const vendorPage = async (request: FastifyRequest, reply: FastifyReply, owner: UserRow, s: FormState, notice?: string, status = 200) =>
    sendPage(request, reply, vendorUsersPage({ state: s, vendors: await listVendors(app.db), users: await vendorUsers(owner), ...(notice ? { notice } : {}) }), status);

  app.get('/staff/vendor-users', { schema: { hide: true } }, async (request, reply) => {
    const session = await gate(request, reply, { roles: ['owner'] });
    if (!session) return reply;
    return vendorPage(request, reply, session.user, state(request, reply));
  });

  app.post('/staff/vendor-users', formRoute(vendorUserForm), async (request, reply) => {
    const session = await gate(request, reply, { roles: ['owner'] });
    if (!session) return reply;
    const vendors = await listVendors(app.db);
    const users = await vendorUsers(session.user);
    return handleForm(
      request,
      reply,
      ['name', 'email', 'vendor_id'],
      (s) => vendorUsersPage({ state: s, vendors, users }),
      async () => {
        const body = request.body as Body;
        await app.db.transaction().execute((trx) => createVendorUser(deps, trx, { name: body.name!, email: body.email!, vendorId: body.vendor_id!, actor: staffActor(session.user.id, 'owner') }));
        return vendorPage(request, reply, session.user, state(request, reply), 'Added. We mailed them a link to choose their password.');
      },
    );
  });
}
