// An opt-out that reached the shop by email, phone or post (P002-14): staff who may record a
// person's choice (support, owner, the DPO) type the address, what it stops, how it came and what
// proves it. The kernel finds everyone on file with that address (a customer and a list member
// alike) and records a withdrawal for each, with the evidence sealed, listed for the DPO's review.
// A mailing-list member who asks to stop the newsletter is taken off the list: erased, when the
// staff member's role handles data-rights requests (support, the DPO); an owner's record stops the
// mail and the entry lapses with the list's retention.
import type { Db } from '../platform/db/database.ts';
import { checkFields, validationError } from '../platform/errors.ts';
import type { Actor, PrivacyKernel } from '../privacy/index.ts';
import { EMAIL } from './mail.ts';
import { LIST_PURPOSE, NEWSLETTERS } from './members.ts';
import { mailingDb } from './tables.ts';

export const optOutChannels = ['email', 'phone', 'paper'] as const;
export type OptOutChannel = (typeof optOutChannels)[number];
export const OPT_OUT_ALL = 'all';

/** The purposes a marketing opt-out can stop: those that contact people and can be refused. */
export function marketingPurposes(kernel: Pick<PrivacyKernel, 'map'>): { id: string; name: string }[] {
  return [...kernel.map.purposes.values()].filter((p) => p.communication && (p.legalBasis === 'consent' || p.optOut)).map((p) => ({ id: p.id, name: p.name }));
}

export interface OptOutInput {
  email: string;
  purpose: string;
  channel: string;
  evidence: string;
}

export interface OptOutResult {
  /** People on file with the address, each given the withdrawals. */
  people: number;
  /** Of them, mailing-list members taken off the list (erased). */
  removed: number;
}

export async function recordOptOut(kernel: PrivacyKernel, db: Db, input: OptOutInput, actor: Actor): Promise<OptOutResult> {
  const purposes = marketingPurposes(kernel).map((p) => p.id);
  const email = input.email.trim();
  const evidence = input.evidence.trim();
  checkFields([
    () => {
      if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw validationError('email', 'must be an email address');
    },
    () => {
      if (input.purpose !== OPT_OUT_ALL && !purposes.includes(input.purpose)) throw validationError('purpose', 'choose what the person no longer wants');
    },
    () => {
      if (!(optOutChannels as readonly string[]).includes(input.channel)) throw validationError('channel', `must be one of ${optOutChannels.join(', ')}`);
    },
    () => {
      if (evidence === '' || evidence.length > 2000)
        throw validationError('evidence', 'say what proves it (the mail’s date and subject, a call note, the letter’s reference), at most 2000 characters');
    },
  ]);
  // Looked up under a purpose the staff member's role works under: support mail, or data rights for the DPO.
  const lookup = actor.kind === 'staff' && actor.role === 'dpo' ? 'data-rights' : 'support';
  const people = await kernel.findSubjects(db, { category: EMAIL, value: email, actor, purpose: lookup });
  if (people.length === 0) throw validationError('email', 'nobody with this address is on file (nothing to stop)');
  const stopped = input.purpose === OPT_OUT_ALL ? purposes : [input.purpose];
  for (const subject of people) {
    for (const purpose of stopped) await kernel.recordConsent(db, { subject, purpose, action: 'withdraw', channel: input.channel as OptOutChannel, actor, evidence });
  }
  let removed = 0;
  const handlesRights = actor.kind === 'staff' && (kernel.map.roles.get(actor.role)?.purposes.has('data-rights') ?? false);
  if (handlesRights && (stopped.includes(NEWSLETTERS) || stopped.includes(LIST_PURPOSE))) {
    const members = await mailingDb(db).selectFrom('mailing_members').select('subject_id').where('subject_id', 'in', people).execute();
    // Last, because an erasure cannot be rolled back.
    for (const { subject_id } of members) {
      await kernel.erase(db, { subject: subject_id, actor });
      await mailingDb(db).deleteFrom('mailing_members').where('subject_id', '=', subject_id).execute();
      removed++;
    }
  }
  return { people: people.length, removed };
}
