// Where a ticket's words live: kernel items of the requester, under the purpose `support`,
// encrypted under the requester's key, every read audited (P002-05).
//   ticket:<id>          name, email and phone (if given) to answer to; the ticket's subject line (TEXT)
//   ticket:<id>:order    the order number they gave, as typed (unverified, so not a column)
//   ticket:<id>:<n>      message n of the thread, masked before it was written (P002-16)
// Correspondence has the data map's retention for user.content.private under support
// (datamap/retention.yml); the kernel's sweep purges it, and sweep.ts removes the emptied tickets.
export const SUPPORT_PURPOSE = 'support';
export const NAME = 'user.name';
export const EMAIL = 'user.contact.email';
export const PHONE = 'user.contact.phone_number';
export const TEXT = 'user.content.private';
export const TICKET_CATEGORIES = [NAME, EMAIL, PHONE, TEXT] as const;

export const ticketRef = (id: string): string => `ticket:${id}`;
export const orderRef = (id: string): string => `ticket:${id}:order`;
export const messageRef = (id: string, n: number): string => `ticket:${id}:${n}`;
