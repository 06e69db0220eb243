// What happens to a ticket, each in the caller's transaction (one per command): opening it from the
// form, a message from the requester (account inbox, mailed link, inbound mail), staff's answer by
// mail or the note of a call, closing. Every text is masked (P002-16) before the kernel stores it
// as correspondence of the requester (P002-05).
import { digestToken, randomToken } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { type Actor, actorTag, CONTACT_PREFERENCE, type ContactChannel, type PrivacyKernel, withChannel } from '../privacy/index.ts';
import { FORM_ACTOR, requesterActor } from './actors.ts';
import type { TicketInput } from './input.ts';
import { queueReceived, queueReply } from './mail.ts';
import { maskSensitive } from './masking.ts';
import { EMAIL, messageRef, NAME, orderRef, PHONE, SUPPORT_PURPOSE, TEXT, ticketRef } from './refs.ts';
import type { MessageChannel } from './tables.ts';
import { insertMessage, insertTicket, type Ticket, ticketByReference, updateTicket } from './tickets.ts';

export interface SupportDeps {
  kernel: PrivacyKernel;
  publicUrl: string;
  now: () => Date;
}

export interface Found {
  cards: number;
  ssns: number;
}

const add = (a: Found, b: Found): Found => ({ cards: a.cards + b.cards, ssns: a.ssns + b.ssns });

/** Where the requester follows the thread: the account inbox, or for a visitor a fresh link (its digest replaces the last one). */
function threadLink(deps: SupportDeps, t: Pick<Ticket, 'reference' | 'opened_by'>): { link: string; hash: Buffer | null } {
  if (t.opened_by === 'customer') return { link: `${deps.publicUrl}/account/support/${t.reference}`, hash: null };
  const token = randomToken();
  return { link: `${deps.publicUrl}/support/t/${token}`, hash: digestToken(token) };
}

/** Message n+1 of the ticket, masked, as a kernel item of the requester, and its row. */
export async function appendMessage(
  deps: SupportDeps,
  db: Db,
  ticket: Ticket,
  m: { author: 'requester' | 'staff'; channel: MessageChannel; actor: Actor; text: string; found?: Found },
): Promise<{ n: number; found: Found; ticket: Ticket }> {
  const masked = maskSensitive(m.text);
  const found = add(masked, m.found ?? { cards: 0, ssns: 0 });
  const n = ticket.messages + 1;
  const now = deps.now();
  await deps.kernel.write(db, { subject: ticket.subject_id, actor: m.actor, purpose: SUPPORT_PURPOSE, ref: messageRef(ticket.id, n), values: { [TEXT]: masked.text } });
  await insertMessage(db, { ticket_id: ticket.id, n, author: m.author, channel: m.channel, actor_ref: actorTag(m.actor), at: now, masked: found.cards + found.ssns > 0 });
  // Staff's message answers the ticket; the requester's (re)opens it, a closed one included.
  const change = { messages: n, last_message_at: now, status: m.author === 'staff' ? 'answered' : 'open', closed_at: null } as const;
  await updateTicket(db, ticket.id, change);
  return { n, found, ticket: { ...ticket, ...change } };
}

export interface Opened {
  ticket: Ticket;
  found: Found;
}

/**
 * A new ticket from the support form. A signed-in customer opens it on their own subject; anyone
 * else as a new correspondent (even with a customer's address: the form proves nobody's identity).
 * How they want the answer is their preferred contact channel (P004-14), the kernel's item.
 */
export async function openTicket(deps: SupportDeps, db: Db, input: { ticket: TicketInput; signedIn: { subject: string; actor: Actor } | null; acknowledge: boolean }): Promise<Opened> {
  const now = deps.now();
  const subject = input.signedIn?.subject ?? (await deps.kernel.createSubject(db, { kind: 'correspondent', actor: FORM_ACTOR, purpose: SUPPORT_PURPOSE }));
  const person = input.signedIn?.actor ?? requesterActor(subject);
  const t = input.ticket;
  const opener = input.signedIn ? 'customer' : 'correspondent';
  let ticket = await insertTicket(db, { subject_id: subject, opened_by: opener, opened_at: now, last_message_at: now, order_given: t.orderNumber !== '', link_hash: null });
  const { link, hash } = threadLink(deps, ticket);
  if (hash) await updateTicket(db, ticket.id, { link_hash: hash });
  const subjectLine = maskSensitive(t.subject);
  const contact: Record<string, string> = { [NAME]: t.name, [EMAIL]: t.email, [TEXT]: subjectLine.text };
  if (t.phone) contact[PHONE] = t.phone;
  await deps.kernel.write(db, { subject, actor: person, purpose: SUPPORT_PURPOSE, ref: ticketRef(ticket.id), values: contact });
  if (t.orderNumber) await deps.kernel.write(db, { subject, actor: person, purpose: SUPPORT_PURPOSE, ref: orderRef(ticket.id), values: { [TEXT]: t.orderNumber } });
  await setPreferredChannel(deps.kernel, db, subject, person, t.replyBy);
  const first = await appendMessage(deps, db, ticket, { author: 'requester', channel: 'form', actor: person, text: t.message, found: subjectLine });
  ticket = first.ticket;
  if (input.acknowledge) await queueReceived(deps.kernel, db, { id: ticket.id, subject, reference: ticket.reference, link });
  return { ticket, found: first.found };
}

/** The preferred contact channel (P004-14): the kernel's item, other preferences kept. */
async function setPreferredChannel(kernel: PrivacyKernel, db: Db, subject: string, actor: Actor, channel: ContactChannel): Promise<void> {
  const { category, purpose } = CONTACT_PREFERENCE;
  const current = (await kernel.read(db, { subject, actor, purpose, categories: [category], ref: '' })).values[category];
  await kernel.write(db, { subject, actor, purpose, ref: '', values: { [category]: withChannel(current, channel) } });
}

/** A message from the requester on an open or answered ticket (a closed one opens again). */
export async function requesterMessage(deps: SupportDeps, db: Db, input: { reference: string; actor: Actor; channel: MessageChannel; text: string }): Promise<{ ticket: Ticket; found: Found }> {
  const ticket = await ticketByReference(db, input.reference, true);
  const r = await appendMessage(deps, db, ticket, { author: 'requester', channel: input.channel, actor: input.actor, text: input.text });
  return { ticket: r.ticket, found: r.found };
}

/** Staff's answer by mail: stored, then mailed with the link back to the thread. */
export async function replyByMail(deps: SupportDeps, db: Db, input: { reference: string; actor: Actor; text: string }): Promise<{ ticket: Ticket; found: Found }> {
  const ticket = await ticketByReference(db, input.reference, true);
  if (ticket.status === 'closed') throw new AppError('CONFLICT', `Support request ${ticket.reference} is closed.`);
  // No answer is stored that could not be sent: the address may have lapsed with its retention.
  const address = (await deps.kernel.read(db, { subject: ticket.subject_id, actor: input.actor, purpose: SUPPORT_PURPOSE, categories: [EMAIL], ref: ticketRef(ticket.id) })).values[EMAIL];
  if (typeof address !== 'string' || address === '') throw new AppError('CONFLICT', `We no longer hold the address of ${ticket.reference}: there is nowhere to send an answer.`);
  const r = await appendMessage(deps, db, ticket, { author: 'staff', channel: 'mail-out', actor: input.actor, text: input.text });
  const { link, hash } = threadLink(deps, ticket);
  if (hash) await updateTicket(db, ticket.id, { link_hash: hash });
  await queueReply(deps.kernel, db, { id: ticket.id, subject: ticket.subject_id, reference: ticket.reference, n: r.n, link });
  return { ticket: r.ticket, found: r.found };
}

/** Staff answered by phone: the note of the call joins the thread (the requester sees it too). */
export async function notePhoneCall(deps: SupportDeps, db: Db, input: { reference: string; actor: Actor; text: string }): Promise<{ ticket: Ticket; found: Found }> {
  const ticket = await ticketByReference(db, input.reference, true);
  if (ticket.status === 'closed') throw new AppError('CONFLICT', `Support request ${ticket.reference} is closed.`);
  const r = await appendMessage(deps, db, ticket, { author: 'staff', channel: 'phone', actor: input.actor, text: input.text });
  return { ticket: r.ticket, found: r.found };
}

export async function closeTicket(deps: SupportDeps, db: Db, reference: string): Promise<Ticket> {
  const ticket = await ticketByReference(db, reference, true);
  if (ticket.status === 'closed') throw new AppError('CONFLICT', `Support request ${ticket.reference} is already closed.`);
  const now = deps.now();
  await updateTicket(db, ticket.id, { status: 'closed', closed_at: now });
  return { ...ticket, status: 'closed', closed_at: now };
}
