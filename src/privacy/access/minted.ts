// The kernel's first check on every call that names an actor: was it minted (actors.ts), or is it
// an object some module wrote down? A forgery is refused and the refusal audited under the
// kernel's own declared job (the forged object itself never reaches the audit log).
import type { Db } from '../../platform/db/database.ts';
import { isMinted, systemActor, type Actor } from '../actors.ts';
import type { AuditAction } from '../audit/entry.ts';
import type { KernelContext } from '../context.ts';
import { refuse } from './refuse.ts';

export const GUARD_JOB = 'privacy.guard';
const GUARD_ACTOR = systemActor(GUARD_JOB);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = ['self', 'staff', 'vendor', 'system'];

export async function refuseForged(ctx: KernelContext, db: Db, actor: unknown, action: AuditAction, subject?: unknown): Promise<never> {
  const claimed = typeof actor === 'object' && actor !== null && 'kind' in actor && KINDS.includes(String(actor.kind)) ? String(actor.kind) : 'unknown';
  const subjectId = typeof subject === 'string' && UUID.test(subject) ? subject : null;
  return refuse(ctx, db, { actor: GUARD_ACTOR, action, subjectId, detail: { claimed_kind: claimed } }, 'forged-actor', 'The kernel accepts only actors minted by the code that authenticated them.');
}

/** Wraps a kernel method whose request names its actor: a forged actor never reaches it. */
export function mintedOnly<R extends { actor: Actor }, T>(ctx: KernelContext, action: AuditAction, method: (db: Db, request: R) => Promise<T>): (db: Db, request: R) => Promise<T> {
  return (db, request) => (isMinted(request.actor) ? method(db, request) : refuseForged(ctx, db, request.actor, action, (request as { subject?: unknown }).subject));
}

/** The same for a kernel method that takes the actor alone. */
export function mintedActor<T>(ctx: KernelContext, action: AuditAction, method: (db: Db, actor: Actor) => Promise<T>): (db: Db, actor: Actor) => Promise<T> {
  return (db, actor) => (isMinted(actor) ? method(db, actor) : refuseForged(ctx, db, actor, action));
}
