// What support keeps about a person: their tickets and the messages of each thread. The rows hold
// references, states, times and channels; the words are kernel items (refs.ts), read here for the
// person's copy when the reader may (the person themself, or support staff). Erasure deletes the
// tickets and their messages; the kernel shreds the words.
import type { ExportRecord, PersonalDataHolder } from '../privacy/index.ts';
import { messageRef, SUPPORT_PURPOSE, TEXT } from './refs.ts';
import { deleteTicketsOfSubject, messagesOf, ticketsOfSubject } from './tickets.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const supportHolder: PersonalDataHolder = {
  tables: ['support_tickets'],
  async export({ db, kernel, actor }, subject) {
    const tickets = await ticketsOfSubject(db, subject);
    if (tickets.length === 0) return [];
    const messages = await messagesOf(
      db,
      tickets.map((t) => t.id),
    );
    const texts = messages.length
      ? await kernel.readMany(db, { actor, purpose: SUPPORT_PURPOSE, categories: [TEXT], items: messages.slice(0, 500).map((m) => ({ subject, ref: messageRef(m.ticket_id, m.n) })) })
      : [];
    const textOf = (i: number): string | null => {
      const r = texts[i];
      const v = r?.ok ? r.record.values[TEXT] : null;
      return typeof v === 'string' ? v : null;
    };
    return [
      {
        id: 'support-requests',
        title: 'Your support requests',
        description:
          'Each request you sent our support team: its reference, where it stands, and every message of the conversation, yours and ours, with how it came. Card and social security numbers were masked before anything was stored.',
        records: tickets.map(
          (t): ExportRecord => ({
            reference: t.reference,
            status: t.status,
            opened_at: iso(t.opened_at),
            last_message_at: iso(t.last_message_at),
            closed_at: iso(t.closed_at),
            messages: messages
              .map((m, i) => ({ m, i }))
              .filter(({ m }) => m.ticket_id === t.id)
              .map(({ m, i }) => ({ n: m.n, from: m.author === 'staff' ? 'support' : 'you', channel: m.channel, at: iso(m.at), masked: m.masked, text: textOf(i) })),
          }),
        ),
      },
    ];
  },
  async erase({ db }, subject) {
    await deleteTicketsOfSubject(db, subject);
  },
};
