// How people reach the privacy officer (P003-25): the data map's organization.dpo_contact, with
// real channels (an email address, a postal address, a phone number if the shop takes requests by
// phone). At least an email or a postal address must be given, or the map does not load: the
// policy promises requests by these channels, and a placeholder reaches nobody.
import type { DpoContact } from './types.ts';

type Raw = Record<string, unknown>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{5,40}$/;

/** The channels a contact gives, in the words the policy uses ("email", "phone", "post"). */
export function dpoChannels(c: DpoContact): ('email' | 'phone' | 'post')[] {
  return [...(c.email ? (['email'] as const) : []), ...(c.phone ? (['phone'] as const) : []), ...(c.postalAddress ? (['post'] as const) : [])];
}

/** "email, phone or post": the channels given, in the policy's words. */
export function dpoChannelWords(c: DpoContact): string {
  const words = dpoChannels(c);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
}

/** The contact on one line: "Privacy Officer; email privacy@…; phone …; post …". */
export function dpoContactLine(c: DpoContact): string {
  return [c.name, c.email && `email ${c.email}`, c.phone && `phone ${c.phone}`, c.postalAddress && `post ${c.postalAddress}`].filter(Boolean).join('; ');
}

/** The contact from `organization.dpo_contact`; each problem goes to `problem` with the field named. */
export function parseDpoContact(raw: unknown, at: string, problem: (where: string, message: string) => void): DpoContact {
  const field = `${at}.dpo_contact`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problem(field, 'must be a mapping with name, email, postal_address and optionally phone (at least an email or a postal_address)');
    return { name: '', email: '', phone: '', postalAddress: '' };
  }
  const obj = raw as Raw;
  for (const key of Object.keys(obj)) if (!['name', 'email', 'phone', 'postal_address'].includes(key)) problem(`${field}.${key}`, 'is not a field of dpo_contact (name, email, phone, postal_address)');
  const text = (key: string): string => {
    const v = obj[key];
    if (v === undefined || v === null) return '';
    if (typeof v === 'string' && v.trim()) return v.trim();
    problem(`${field}.${key}`, 'must be a non-empty text, or left out');
    return '';
  };
  const contact = { name: text('name'), email: text('email'), phone: text('phone'), postalAddress: text('postal_address') };
  if (!contact.name) problem(`${field}.name`, 'must be a non-empty text (who answers, such as "Privacy Officer")');
  if (contact.email && !EMAIL.test(contact.email)) problem(`${field}.email`, 'must be an email address such as privacy@shop.example');
  if (contact.phone && !(PHONE.test(contact.phone) && contact.phone.replace(/\D/g, '').length >= 5)) problem(`${field}.phone`, 'must be a phone number, digits with spaces, dashes or a leading +');
  if (!contact.email && !contact.postalAddress) problem(`${field}.email`, 'or dpo_contact.postal_address must be given: people need a real way to reach the privacy officer');
  return contact;
}
