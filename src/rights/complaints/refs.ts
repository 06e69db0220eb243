// Where a complaint's words live: kernel items of the complainant, under the purpose `data-rights`.
//   complaint:<id>             name, email (the address we answer to) and what they wrote
//   complaint:<id>:order       the order number they gave, as typed (unverified, so not a column)
//   complaint:<id>:reply:<n>   a reply the privacy officer sent them
//   complaint:<id>:note:<n>    an internal note (part of the person's data: they see it in their copy)
export const COMPLAINT_PURPOSE = 'data-rights';
export const NAME = 'user.name';
export const EMAIL = 'user.contact.email';
export const TEXT = 'user.content.private';

export const complaintRef = (id: string): string => `complaint:${id}`;
export const orderRef = (id: string): string => `complaint:${id}:order`;
export const replyRef = (id: string, n: number): string => `complaint:${id}:reply:${n}`;
export const noteRef = (id: string, n: number): string => `complaint:${id}:note:${n}`;
