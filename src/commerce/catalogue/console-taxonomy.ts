// The staff console's categories page (tree, add, rename, move) and vendors pages (list, add,
// edit), through the same commands as the JSON API, recorded with the signed-in staff member.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import type { FormState } from '../../web/form.ts';
import { textForm } from '../../web/form-handling.ts';
import { sendPage } from '../../web/page.ts';
import { entityHistory } from './changes.ts';
import { createCategory, createVendor, updateCategory, updateVendor } from './commands.ts';
import { type ConsoleStaff, consoleStaff } from './console-access.ts';
import { type Body, doneQuery, formBody, formStateOf, noticeOf, slugFrom, text, typed } from './console-forms.ts';
import { categoriesPage, vendorPage, vendorState, vendorsPage } from './pages/taxonomy.ts';
import { getVendorById, listCategories, listVendors } from './queries.ts';
import { limits } from './schemas.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const categoryForm = textForm({ name: limits.name, slug: limits.slug, parent_id: 40 });
const categoryEditForm = {
  type: 'object',
  patternProperties: { '^name-[0-9a-f-]{36}$': { type: 'string', maxLength: limits.name }, '^parent_id-[0-9a-f-]{36}$': { type: 'string', maxLength: 40 } },
  additionalProperties: false,
} as const;
const vendorForm = { name: limits.name, slug: limits.slug, website: limits.website, description: limits.vendorDescription };
const vendorFields = Object.keys(vendorForm);

function vendorInputOf(body: Body) {
  const name = text(body, 'name');
  const website = text(body, 'website');
  return { name, slug: text(body, 'slug') || slugFrom(name), website: website === '' ? null : website, description: (body.description ?? '').replace(/\r\n/g, '\n') };
}

const own = (names: readonly string[]) => (field: string) => (names.includes(field) ? field : null);

export async function consoleTaxonomyRoutes(app: FastifyInstance): Promise<void> {
  const csrf = (request: FastifyRequest, reply: FastifyReply) => app.accounts.formToken(request, reply);
  const formRoute = (body: object, params?: object) => ({ schema: { hide: true, body, ...(params ? { params } : {}) }, attachValidation: true });

  // ---- Categories
  const categoriesView = async (
    request: FastifyRequest,
    reply: FastifyReply,
    staff: ConsoleStaff,
    extra: { add?: FormState; failed?: { id: string; state: FormState }; notice?: string } = {},
    status = 200,
  ) => sendPage(request, reply, categoriesPage({ categories: await listCategories(app.db), csrf: csrf(request, reply), can: staff.can, ...extra }), status);

  app.get<{ Querystring: { done?: string } }>('/staff/catalogue/categories', { schema: { hide: true, querystring: doneQuery } }, async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'view');
    if (!staff) return reply;
    const notice = noticeOf(request.query.done);
    return categoriesView(request, reply, staff, notice ? { notice } : {});
  });

  app.post('/staff/catalogue/categories', formRoute(categoryForm), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    try {
      const body = formBody(request);
      const name = text(body, 'name');
      await createCategory(app.db, { name, slug: text(body, 'slug') || slugFrom(name), parent_id: text(body, 'parent_id') || null }, staff.by);
      return reply.redirect('/staff/catalogue/categories?done=category-added', 303);
    } catch (err) {
      const { state, status } = formStateOf(err, csrf(request, reply), typed(request.body, ['name', 'slug', 'parent_id']), own(['name', 'slug', 'parent_id']));
      return categoriesView(request, reply, staff, { add: state }, status);
    }
  });

  // Rename and move: one form per category with its name and parent.
  app.post<{ Params: { id: string } }>('/staff/catalogue/categories/:id', formRoute(categoryEditForm, idParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    const id = request.params.id.toLowerCase();
    // The page shows a failed form's errors in that category's form: no such category, no form.
    if (!(await listCategories(app.db)).some((c) => c.id === id)) throw notFound('The category');
    // Each category's inputs carry its id (name-<id>), so one page holds a form per category.
    const field = (name: string) => `${name}-${id}`;
    try {
      const body = formBody(request);
      const renamed = Object.fromEntries(Object.entries(body).map(([k, v]) => [k.replace(`-${id}`, ''), v]));
      await updateCategory(app.db, id, { name: text(renamed, 'name'), parent_id: text(renamed, 'parent_id') || null }, staff.by);
      return reply.redirect('/staff/catalogue/categories?done=category-saved', 303);
    } catch (err) {
      const values = typed(request.body, [field('name'), field('parent_id')]);
      const { state, status } = formStateOf(err, csrf(request, reply), { name: values[field('name')] ?? '', parent_id: values[field('parent_id')] ?? '' }, own(['name', 'parent_id']));
      return categoriesView(request, reply, staff, { failed: { id, state } }, status);
    }
  });

  // ---- Vendors
  const vendorsView = async (request: FastifyRequest, reply: FastifyReply, staff: ConsoleStaff, extra: { add?: FormState; notice?: string } = {}, status = 200) =>
    sendPage(request, reply, vendorsPage({ vendors: await listVendors(app.db), csrf: csrf(request, reply), can: staff.can, ...extra }), status);

  app.get<{ Querystring: { done?: string } }>('/staff/catalogue/vendors', { schema: { hide: true, querystring: doneQuery } }, async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'view');
    if (!staff) return reply;
    const notice = noticeOf(request.query.done);
    return vendorsView(request, reply, staff, notice ? { notice } : {});
  });

  app.post('/staff/catalogue/vendors', formRoute(textForm(vendorForm)), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    try {
      await createVendor(app.db, vendorInputOf(formBody(request)), staff.by);
      return reply.redirect('/staff/catalogue/vendors?done=vendor-added', 303);
    } catch (err) {
      const { state, status } = formStateOf(err, csrf(request, reply), typed(request.body, vendorFields), own(vendorFields));
      return vendorsView(request, reply, staff, { add: state }, status);
    }
  });

  const vendorView = async (request: FastifyRequest, reply: FastifyReply, staff: ConsoleStaff, id: string, state?: FormState, status = 200, notice?: string) => {
    const v = await getVendorById(app.db, id);
    if (!v) throw notFound('The vendor');
    const history = await entityHistory(app.db, v.id);
    const names = await app.accounts.staffLabels(
      app.db,
      history.flatMap((c) => (c.staff_id ? [c.staff_id] : [])),
      staff.actor,
    );
    return sendPage(request, reply, vendorPage({ vendor: v, state: state ?? vendorState(v, csrf(request, reply)), history, staff: names, can: staff.can, ...(notice && { notice }) }), status);
  };

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/staff/catalogue/vendors/:id', { schema: { hide: true, params: idParams, querystring: doneQuery } }, async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    return vendorView(request, reply, staff, request.params.id, undefined, 200, noticeOf(request.query.done));
  });

  app.post<{ Params: { id: string } }>('/staff/catalogue/vendors/:id', formRoute(textForm(vendorForm), idParams), async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'edit');
    if (!staff) return reply;
    try {
      await updateVendor(app.db, request.params.id, vendorInputOf(formBody(request)), staff.by);
      return reply.redirect(`/staff/catalogue/vendors/${request.params.id}?done=vendor-saved`, 303);
    } catch (err) {
      const { state, status } = formStateOf(err, csrf(request, reply), typed(request.body, vendorFields), own(vendorFields));
      return vendorView(request, reply, staff, request.params.id, state, status);
    }
  });
}
