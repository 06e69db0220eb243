// The staff console's bulk stock page: every listed variant's stock in one form, saved by one
// command in one transaction (all or nothing), each change recorded with the staff member.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FormState } from '../../web/form.ts';
import { sendPage } from '../../web/page.ts';
import { setStockLevels } from './bulk-stock.ts';
import { type ConsoleStaff, consoleStaff } from './console-access.ts';
import { formBody, formStateOf, noticeOf, stockOf } from './console-forms.ts';
import { stockPage } from './pages/stock.ts';
import { limits } from './schemas.ts';
import { stockRows } from './stock-list.ts';

const ROWS = 200;
const stockQuery = { type: 'object', properties: { q: { type: 'string', maxLength: limits.searchQuery }, done: { type: 'string', maxLength: 40 } } } as const;
const stockForm = { type: 'object', patternProperties: { '^stock\\.[0-9a-f-]{36}$': { type: 'string', maxLength: 12 } }, maxProperties: limits.bulkStock, additionalProperties: false } as const;

export async function consoleStockRoutes(app: FastifyInstance): Promise<void> {
  const view = async (request: FastifyRequest, reply: FastifyReply, staff: ConsoleStaff, q: string, state: FormState, status = 200, notice?: string) => {
    const rows = await stockRows(app.db, q, ROWS + 1);
    return sendPage(request, reply, stockPage({ rows: rows.slice(0, ROWS), more: rows.length > ROWS, q, state, can: staff.can, ...(notice && { notice }) }), status);
  };

  app.get<{ Querystring: { q?: string; done?: string } }>('/staff/catalogue/stock', { schema: { hide: true, querystring: stockQuery } }, async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'stock');
    if (!staff) return reply;
    return view(request, reply, staff, (request.query.q ?? '').trim(), { csrf: app.accounts.formToken(request, reply) }, 200, noticeOf(request.query.done));
  });

  app.post<{ Querystring: { q?: string } }>('/staff/catalogue/stock', { schema: { hide: true, querystring: stockQuery, body: stockForm }, attachValidation: true }, async (request, reply) => {
    const staff = await consoleStaff(app, request, reply, 'stock');
    if (!staff) return reply;
    const q = (request.query.q ?? '').trim();
    try {
      const body = formBody(request);
      const levels = Object.entries(body).map(([name, value]) => ({ variant_id: name.slice('stock.'.length), stock: stockOf(value ?? '') }));
      const { changed } = await setStockLevels(app.db, levels, staff.by);
      return reply.redirect(`/staff/catalogue/stock?${new URLSearchParams({ ...(q && { q }), done: changed ? 'stock-saved' : 'stock-unchanged' })}`, 303);
    } catch (err) {
      const values = Object.fromEntries(Object.entries((request.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 12) : '']));
      const { state, status } = formStateOf(err, app.accounts.formToken(request, reply), values, (field) => (field.startsWith('stock.') ? field : null));
      return view(request, reply, staff, q, state, status);
    }
  });
}
