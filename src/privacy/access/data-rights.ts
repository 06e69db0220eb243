// Who may act on a person's data-subject rights (erase them, tell recipients, correct them): the
// person themself, staff whose role has the data-rights purpose, or the system. Never a vendor.
import type { Actor } from '../actors.ts';
import type { DataMap } from '../datamap/types.ts';

export function mayActOnRights(map: DataMap, actor: Actor, subject: string): boolean {
  switch (actor.kind) {
    case 'self':
      return actor.subjectId === subject;
    case 'staff':
      return map.roles.get(actor.role)?.purposes.has('data-rights') ?? false;
    case 'system':
      return true;
    case 'vendor':
      return false;
  }
}
