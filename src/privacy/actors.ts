// Who is asking. Every kernel call names an actor; the accounts module supplies staff identities,
// the kernel only needs the kind, a pseudonymous id and (for staff) the role.

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

export const selfActor = (subjectId: string): Actor => ({ kind: 'self', subjectId });
export const staffActor = (staffId: string, role: StaffRole): Actor => ({ kind: 'staff', staffId, role });
export const vendorActor = (vendorId: string): Actor => ({ kind: 'vendor', vendorId });
export const systemActor = (job: string): Actor => ({ kind: 'system', job });

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
