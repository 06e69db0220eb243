// Unsubscribing with the link of a marketing mail (P002-14, P004-13): the link names the message,
// comms says whose and for which purpose, and whoever holds the mail acts as its recipient. A
// customer's consent to that purpose is withdrawn at once (their account and other choices stay);
// a mailing-list member leaves the list altogether (members.ts). Following the link again, or after
// an erasure, changes nothing and says so kindly.
import { type UnsubscribeTarget, unsubscribeTarget } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { type PrivacyKernel, selfActor, SubjectErased } from '../privacy/index.ts';
import { isMember, removeMember } from './members.ts';

export async function targetOf(db: Db, kernel: PrivacyKernel, token: string): Promise<UnsubscribeTarget> {
  const target = await unsubscribeTarget(db, kernel, token);
  if (!target) throw new AppError('LINK_INVALID', 'This unsubscribe link is not one of ours, or it was changed on the way.');
  return target;
}

/** Withdraws, as the recipient of the message; returns the purpose's name for the page. */
export async function unsubscribe(db: Db, kernel: PrivacyKernel, target: UnsubscribeTarget): Promise<string> {
  const name = kernel.map.purposes.get(target.purpose)?.name ?? target.purpose;
  const evidence = 'one-click unsubscribe link in a marketing mail';
  if (await isMember(db, target.subject)) {
    await removeMember(kernel, db, target.subject, 'web', evidence);
    return name;
  }
  try {
    await kernel.recordConsent(db, { subject: target.subject, purpose: target.purpose, action: 'withdraw', channel: 'web', actor: selfActor(target.subject), evidence });
  } catch (err) {
    // Erased since the mail was sent: there is nobody left to send anything to.
    if (!(err instanceof SubjectErased)) throw err;
  }
  return name;
}
