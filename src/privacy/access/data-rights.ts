// Who may act on a person's data-subject rights (erase them, tell recipients, correct them): the
// person themself, staff whose role has the data-rights purpose, or a job the data map grants
// data-rights. Never a vendor, never an actor the kernel did not mint.
import { isMinted, isUnconfined, type Actor } from '../actors.ts';
import type { DataMap } from '../datamap/types.ts';

export function mayActOnRights(map: DataMap, actor: Actor, subject: string): boolean {
  if (!isMinted(actor)) return false;
  switch (actor.kind) {
    case 'self':
      return actor.subjectId === subject;
    case 'staff':
      return map.roles.get(actor.role)?.purposes.has('data-rights') ?? false;
    case 'system':
      return isUnconfined(actor) || (map.jobs.get(actor.job)?.purposes.has('data-rights') ?? false);
    case 'vendor':
      return false;
  }
}
