// A ticket's thread as a reader sees it: the messages' rows with their texts, and for staff the
// requester's contact and preferred reply channel (P004-14). Every text is read through the kernel
// as the reader under `support`, so each opening is in the audit log and the person's access log.
import type { Db } from '../platform/db/database.ts';
import { type Actor, CONTACT_PREFERENCE, type ContactChannel, contactChannelOf, type PrivacyKernel, SubjectErased } from '../privacy/index.ts';
import { EMAIL, messageRef, NAME, orderRef, PHONE, SUPPORT_PURPOSE, TEXT, ticketRef } from './refs.ts';
import { messagesOf, type Ticket, type TicketMessage } from './tickets.ts';

export interface ThreadMessage extends TicketMessage {
  /** Null when it is no longer held (its retention ended). */
  text: string | null;
}

export interface Thread {
  ticket: Ticket;
  subjectLine: string | null;
  orderNumber: string | null;
  messages: ThreadMessage[];
}

export interface Contact {
  name: string | null;
  email: string | null;
  phone: string | null;
  /** How they want the answer; null: never chosen (then by email). */
  preferred: ContactChannel | null;
}

const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export async function readThread(kernel: PrivacyKernel, db: Db, ticket: Ticket, actor: Actor): Promise<Thread> {
  const rows = await messagesOf(db, [ticket.id]);
  const subject = ticket.subject_id;
  try {
    const head = (await kernel.read(db, { subject, actor, purpose: SUPPORT_PURPOSE, categories: [TEXT], ref: ticketRef(ticket.id) })).values;
    const order = ticket.order_given ? (await kernel.read(db, { subject, actor, purpose: SUPPORT_PURPOSE, categories: [TEXT], ref: orderRef(ticket.id) })).values : {};
    const texts = rows.length ? await kernel.readMany(db, { actor, purpose: SUPPORT_PURPOSE, categories: [TEXT], items: rows.map((r) => ({ subject, ref: messageRef(ticket.id, r.n) })) }) : [];
    const messages = rows.map((r, i) => {
      const got = texts[i];
      return { ...r, text: got?.ok ? textOf(got.record.values[TEXT]) : null };
    });
    return { ticket, subjectLine: textOf(head[TEXT]), orderNumber: textOf(order[TEXT]), messages };
  } catch (err) {
    if (err instanceof SubjectErased) return { ticket, subjectLine: null, orderNumber: null, messages: rows.map((r) => ({ ...r, text: null })) };
    throw err;
  }
}

/** The requester's contact and preferred channel, for staff (one read of the ticket's contact, one of the preference). */
export async function readContact(kernel: PrivacyKernel, db: Db, ticket: Ticket, actor: Actor): Promise<Contact> {
  const subject = ticket.subject_id;
  const given = (await kernel.read(db, { subject, actor, purpose: SUPPORT_PURPOSE, categories: [NAME, EMAIL, PHONE], ref: ticketRef(ticket.id) })).values;
  const preference = await kernel.read(db, { subject, actor, purpose: CONTACT_PREFERENCE.purpose, categories: [CONTACT_PREFERENCE.category], ref: '' });
  return { name: textOf(given[NAME]), email: textOf(given[EMAIL]), phone: textOf(given[PHONE]), preferred: contactChannelOf(preference) };
}

/** The subject lines of tickets, for lists (one batch read). */
export async function subjectLines(kernel: PrivacyKernel, db: Db, tickets: readonly Ticket[], actor: Actor): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (tickets.length === 0) return out;
  const got = await kernel.readMany(db, { actor, purpose: SUPPORT_PURPOSE, categories: [TEXT], items: tickets.map((t) => ({ subject: t.subject_id, ref: ticketRef(t.id) })) });
  tickets.forEach((t, i) => {
    const r = got[i];
    out.set(t.id, r?.ok ? textOf(r.record.values[TEXT]) : null);
  });
  return out;
}
