// The preferred contact channel (P004-14, decision 0051): how a person wants the shop to answer
// them, email or phone. It is personal data about them, so it is a kernel item like any other: the
// field `contact_channel` of the person's preferences (category user.privacy_preferences, the
// person's own ref '', purpose support: it is read to reply), encrypted, exported, erased with them
// and every read audited; staff pages read it with the name and email, in one read. This file only names the item and its values,
// so the module that stores it (rights, in the privacy centre) and those that show it to staff
// (accounts, orders) agree; all of them go through kernel.read and kernel.write.
import type { PersonalRecord, PersonalValue } from './store/items.ts';

export const contactChannels = ['email', 'phone'] as const;
export type ContactChannel = (typeof contactChannels)[number];

export const CONTACT_PREFERENCE = { category: 'user.privacy_preferences', field: 'contact_channel', purpose: 'support' } as const;

/** The channel a read of the item found, or null (never chosen, or not a channel). */
export function contactChannelOf(record: Pick<PersonalRecord, 'values'>): ContactChannel | null {
  return channelIn(record.values[CONTACT_PREFERENCE.category]);
}

/** The channel in a preferences value (an object with `contact_channel`), or null. */
export function channelIn(preferences: PersonalValue | undefined): ContactChannel | null {
  const value = preferences && typeof preferences === 'object' && !Array.isArray(preferences) ? preferences[CONTACT_PREFERENCE.field] : null;
  return typeof value === 'string' && (contactChannels as readonly string[]).includes(value) ? (value as ContactChannel) : null;
}

/** The preferences value with the channel set (other preferences kept). */
export function withChannel(preferences: PersonalValue | undefined, channel: ContactChannel): PersonalValue {
  const kept = preferences && typeof preferences === 'object' && !Array.isArray(preferences) ? preferences : {};
  return { ...kept, [CONTACT_PREFERENCE.field]: channel };
}
