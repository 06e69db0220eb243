// Deactivation (P004-18): the account is kept, but the person's data is not used and they are not
// contacted: every holder's `deactivate` in one transaction (the kernel restricts the subject: no
// communication, no new use; accounts ends the sessions, and signing in offers to reactivate).
// Orders already placed are still delivered and their status mails still go: that is the contract.
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import type { Actor } from '../privacy/index.ts';
import { holderContext, holdersInErasureOrder, type RightsDeps } from './deps.ts';
import { addEvent, closeRequest, deletionUnderWay, recordDoneRequest, requestsOfSubject, type RightsRequest } from './requests.ts';
import type { RequestChannel, RequestSource } from './tables.ts';

export async function deactivate(
  deps: RightsDeps,
  db: Db,
  input: { subject: string; actor: Actor; source: RequestSource; channel: RequestChannel; enteredBy?: string; request?: RightsRequest },
): Promise<RightsRequest> {
  if (await deletionUnderWay(db, input.subject)) throw new AppError('CONFLICT', 'This account is being deleted.');
  const ctx = holderContext(deps, db, input.actor);
  for (const holder of holdersInErasureOrder(deps)) await holder.deactivate?.(ctx, input.subject);
  if (input.request) {
    await closeRequest(deps, db, input.request.id, 'completed', 'done', input.actor);
    return input.request;
  }
  return recordDoneRequest(deps, db, {
    kind: 'deactivation',
    subject: input.subject,
    source: input.source,
    channel: input.channel,
    actor: input.actor,
    ...(input.source === 'self' ? { verification: 'signed-in' as const } : {}),
    ...(input.enteredBy ? { enteredBy: input.enteredBy } : {}),
  });
}

/** Lifts a deactivation: every holder's `reactivate`, noted on the latest deactivation request. */
export async function reactivate(deps: RightsDeps, db: Db, input: { subject: string; actor: Actor }): Promise<void> {
  const ctx = holderContext(deps, db, input.actor);
  for (const holder of deps.holders()) await holder.reactivate?.(ctx, input.subject);
  const last = (await requestsOfSubject(db, input.subject)).filter((r) => r.kind === 'deactivation').at(-1);
  if (last) await addEvent(db, last.id, 'reactivated', input.actor, {}, deps.now());
}
