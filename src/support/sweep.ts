// Retention of correspondence (P000-06, P002-05), declared to the kernel's retention engine
// (decision 0065): the engine purges each message (a kernel item) once its retention
// (user.content.private under support, datamap/retention.yml) ends, counted from when it was
// written. A ticket's newest message is its last_message_at, so a ticket whose last message is
// older than the cutoff has no message left: this store deletes its rows and forgets the contact
// and subject line the ticket kept in the kernel (they were there only to answer it). A visitor's
// ticket had a subject of its own (a correspondent, one per ticket): with the ticket gone nothing
// of theirs is needed, so the subject is erased (its key destroyed). The engine calls it batch by
// batch, each in its own transaction.
import type { RetentionStore } from '../privacy/index.ts';
import { SWEEP_ACTOR } from './actors.ts';
import { SUPPORT_PURPOSE, TEXT, TICKET_CATEGORIES, ticketRef } from './refs.ts';
import { deleteTickets, expiredTickets } from './tickets.ts';

export const ticketsRetention: RetentionStore = {
  name: 'support.tickets',
  description: 'Support tickets whose last message is past the retention of correspondence: the ticket, its contact and subject line.',
  category: TEXT,
  purpose: SUPPORT_PURPOSE,
  action: 'purge',
  async purge({ db, kernel }, cutoff, limit) {
    const expired = await expiredTickets(db, cutoff, limit);
    for (const t of expired) {
      if (t.opened_by === 'correspondent') await kernel.erase(db, { subject: t.subject_id, actor: SWEEP_ACTOR });
      else await kernel.forget(db, { subject: t.subject_id, actor: SWEEP_ACTOR, purpose: SUPPORT_PURPOSE, categories: [...TICKET_CATEGORIES], ref: ticketRef(t.id) });
    }
    await deleteTickets(
      db,
      expired.map((t) => t.id),
    );
    return expired.length;
  },
};
