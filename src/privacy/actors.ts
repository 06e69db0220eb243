// Who is asking. Every kernel call names an actor; the accounts module supplies staff identities,
// the kernel only needs the kind, a pseudonymous id and (for staff) the role.
//
// Actors are minted, not written down: the functions below freeze the actor and remember it in a
// private set, and the kernel refuses (audited) any actor object it finds there not (decision 0026).
// A plain object literal is a forgery. Person actors (self, staff, vendor) are minted only where a
// person was authenticated (accounts' sessions and personal API tokens, the rights desk's mailed
// link); a boundary test holds the list. System actors name a job the data map declares and get
// only the purposes it grants that job.

export type StaffRole = 'owner' | 'support' | 'fulfilment' | 'marketing' | 'accountant' | 'dpo';
export const staffRoles: readonly StaffRole[] = ['owner', 'support', 'fulfilment', 'marketing', 'accountant', 'dpo'];

export type Actor =
  /** The data subject acting on their own data (signed-in customer, subscriber, service contact). */
  | { kind: 'self'; subjectId: string }
  /** A staff user; `staffId` is the accounts module's opaque id. */
  | { kind: 'staff'; staffId: string; role: StaffRole }
  /** A vendor user; sees buyer data only for its own orders, always through a disclosure. */
  | { kind: 'vendor'; vendorId: string }
  /** A background job or the system itself, named. */
  | { kind: 'system'; job: string };

const minted = new WeakSet<object>();

function mint<A extends Actor>(actor: A): A {
  Object.freeze(actor);
  minted.add(actor);
  return actor;
}

/** Whether this actor came from one of the minting functions (and not from an object literal). */
export function isMinted(actor: unknown): actor is Actor {
  return typeof actor === 'object' && actor !== null && minted.has(actor);
}

const unconfined = new WeakSet<object>();

/** Whether this is a test's system actor, which no declared job confines. */
export function isUnconfined(actor: Actor): boolean {
  return unconfined.has(actor);
}

/**
 * TESTS AND BENCHMARKS ONLY (the boundary test refuses it anywhere else): a system actor of a job
 * the data map need not declare, under any purpose, for tests that exercise the kernel itself.
 */
export const testActor = (job: string): Actor => {
  const actor = mint({ kind: 'system', job });
  unconfined.add(actor);
  return actor;
};

export const selfActor = (subjectId: string): Actor => mint({ kind: 'self', subjectId });
export const staffActor = (staffId: string, role: StaffRole): Actor => mint({ kind: 'staff', staffId, role });
export const vendorActor = (vendorId: string): Actor => mint({ kind: 'vendor', vendorId });
export const systemActor = (job: string): Actor => mint({ kind: 'system', job });

/** The pseudonymous description of an actor that goes into the audit log (no personal data). */
export function actorRef(actor: Actor): { kind: Actor['kind']; id: string; role: string | null } {
  switch (actor.kind) {
    case 'self':
      return { kind: 'self', id: actor.subjectId, role: null };
    case 'staff':
      return { kind: 'staff', id: actor.staffId, role: actor.role };
    case 'vendor':
      return { kind: 'vendor', id: actor.vendorId, role: null };
    case 'system':
      return { kind: 'system', id: actor.job, role: null };
  }
}

/** The actor as one pseudonymous tag for other modules' history rows: `self`, `staff:<id>`, `vendor:<id>`, `system:<job>`. */
export function actorTag(actor: Actor): string {
  switch (actor.kind) {
    case 'self':
      return 'self';
    case 'staff':
      return `staff:${actor.staffId}`;
    case 'vendor':
      return `vendor:${actor.vendorId}`;
    case 'system':
      return `system:${actor.job}`;
  }
}
