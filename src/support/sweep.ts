// Retention of correspondence (P000-06, P002-05): the kernel's sweep (privacy.sweep) purges each
// message once its retention (user.content.private under support, datamap/retention.yml) ends,
// counted from when it was written. A ticket's newest message is its last_message_at, so a ticket
// whose last message is older than the retention has no message left: this job deletes its rows
// and forgets the contact and subject line the ticket kept in the kernel (they were there only
// to answer it). A visitor's ticket had a subject of its own (a correspondent, one per ticket):
// with the ticket gone nothing of theirs is needed, so the subject is erased (its key destroyed).
// Idempotent; in batches, one transaction each.
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { SWEEP_ACTOR } from './actors.ts';
import { SUPPORT_PURPOSE, TEXT, TICKET_CATEGORIES, ticketRef } from './refs.ts';
import { deleteTickets, expiredTickets } from './tickets.ts';

export const SWEEP_JOB = 'support.sweep';
const DAY_MS = 86_400_000;

export async function sweepTickets(kernel: PrivacyKernel, db: Db, now: Date, batch = 200): Promise<number> {
  const before = new Date(now.getTime() - kernel.retention(TEXT, SUPPORT_PURPOSE).days * DAY_MS);
  let removed = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const expired = await expiredTickets(trx, before, batch);
      for (const t of expired) {
        if (t.opened_by === 'correspondent') await kernel.erase(trx, { subject: t.subject_id, actor: SWEEP_ACTOR });
        else await kernel.forget(trx, { subject: t.subject_id, actor: SWEEP_ACTOR, purpose: SUPPORT_PURPOSE, categories: [...TICKET_CATEGORIES], ref: ticketRef(t.id) });
      }
      await deleteTickets(
        trx,
        expired.map((t) => t.id),
      );
      return expired.length;
    });
    removed += n;
    if (n < batch) return removed;
  }
}
