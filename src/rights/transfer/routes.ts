// The sale of the shop in the staff console (owners act; the privacy officer sees it) and its
// notice on the privacy policy (decision 0053). One transaction per command.
import type { FastifyInstance } from 'fastify';
import type { StaffRole } from '../../privacy/index.ts';
import { formRoute, handleForm, textForm, textOf } from '../../web/form-handling.ts';
import { sendPage } from '../../web/page.ts';
import type { RightsDeps } from '../deps.ts';
import { transferPage } from './page.ts';
import { currentTransfer, scheduleTransfer, transferPackage } from './transfer.ts';

const READERS: readonly StaffRole[] = ['owner', 'dpo'];
const OWNERS: readonly StaffRole[] = ['owner'];

/** `planned` is told when a sale is scheduled, so this process's pages show its notice at once. */
export async function transferRoutes(app: FastifyInstance, deps: RightsDeps, planned: () => void): Promise<void> {
  const { accounts } = app;
  const shopName = app.config.shopName;

  app.get('/staff/transfer', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: READERS });
    if (!session) return reply;
    const state = { csrf: accounts.formToken(request, reply) };
    return sendPage(request, reply, transferPage({ transfer: await currentTransfer(app.db), state, shopName, mayAct: OWNERS.includes(session.user.role as StaffRole) }));
  });

  app.post('/staff/transfer', formRoute(textForm({ acquirer: 200, date: 20, new_use: 2000 }, ['acquirer', 'date'])), async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    const body = request.body;
    return handleForm(
      request,
      reply,
      (extra) => ({ csrf: accounts.formToken(request, reply), ...extra }),
      ['acquirer', 'date', 'new_use'],
      (state) => transferPage({ transfer: null, state, shopName, mayAct: true }),
      async () => {
        const input = { acquirer: textOf(body, 'acquirer'), date: textOf(body, 'date'), newUse: textOf(body, 'new_use') };
        const told = await app.db.transaction().execute((trx) => scheduleTransfer({ kernel: deps.kernel, publicUrl: deps.config.publicUrl }, trx, input, session.actor, deps.now()));
        planned();
        return sendPage(request, reply, transferPage({ transfer: await currentTransfer(app.db), state: { csrf: accounts.formToken(request, reply) }, shopName, mayAct: true, told }));
      },
    );
  });

  // The customer records for the buyer: refused before the announced date (TRANSFER_NOT_DUE).
  app.get('/staff/transfer/customer-records.json', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: OWNERS });
    if (!session) return reply;
    const pack = await app.db.transaction().execute((trx) => transferPackage(deps.kernel, trx, session.actor, deps.now()));
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="customer-records-${pack.transfer_on}.json"`)
      .type('application/json')
      .send(JSON.stringify(pack, null, 2));
  });
}
