// The demo shop's support tickets (src/demo/support.ts), opened through the same command as the
// form, once: only when the shop starts with DEMO_DATA on and holds no ticket yet. No mail is sent.
import { sql } from 'kysely';
import { findAccount } from '../accounts/index.ts';
import { demoLogins, demoSupportTickets } from '../demo/index.ts';
import type { Db } from '../platform/db/database.ts';
import { requesterActor } from './actors.ts';
import { openTicket, type SupportDeps } from './commands.ts';
import { supportDb } from './tables.ts';

const DEMO_TICKETS_LOCK = 7_200_301_058;

export async function seedDemoTickets(deps: SupportDeps, db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${DEMO_TICKETS_LOCK})`.execute(trx);
    if (await supportDb(trx).selectFrom('support_tickets').select('id').limit(1).executeTakeFirst()) return 0;
    const account = await findAccount(deps.kernel, trx, demoLogins.customer.email, 'customer');
    let made = 0;
    for (const t of demoSupportTickets) {
      const who = t.visitor ?? (account ? { name: demoLogins.customer.name, email: demoLogins.customer.email, phone: '' } : null);
      if (!who) continue;
      const signedIn = t.visitor === null && account ? { subject: account.user.subject_id, actor: requesterActor(account.user.subject_id) } : null;
      await openTicket(deps, trx, {
        ticket: { name: who.name, email: who.email, phone: who.phone, orderNumber: t.orderNumber, subject: t.subject, message: t.message, replyBy: t.replyBy },
        signedIn,
        acknowledge: false,
      });
      made++;
    }
    return made;
  });
}
