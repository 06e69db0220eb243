// Who may do what in the staff catalogue console (the rule is written in CONTEXT.md): the owner
// everything; fulfilment sees the catalogue and sets stock (they count what is on the shelf);
// support and marketing see it, to answer customers and plan campaigns; the accountant and the
// privacy officer have no use for it. Checked on the server for every page and post; pages leave
// out what the role may not do.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Actor, StaffRole } from '../../privacy/index.ts';
import type { ChangedBy } from './changes.ts';

export type Ability = 'view' | 'edit' | 'stock';
export type Abilities = Record<Ability, boolean>;

const grants: Record<StaffRole, readonly Ability[]> = {
  owner: ['view', 'edit', 'stock'],
  fulfilment: ['view', 'stock'],
  support: ['view'],
  marketing: ['view'],
  accountant: [],
  dpo: [],
};

export function abilitiesOf(role: StaffRole): Abilities {
  const mine = grants[role] ?? [];
  return { view: mine.includes('view'), edit: mine.includes('edit'), stock: mine.includes('stock') };
}

const refusals: Record<Ability, string> = {
  view: 'Your role does not work with the catalogue.',
  edit: 'Only an owner changes products, prices, categories and vendors.',
  stock: 'Only an owner or fulfilment staff set stock.',
};

export interface ConsoleStaff {
  can: Abilities;
  /** Who the change log names for changes made from this request. */
  by: ChangedBy;
  actor: Actor;
}

/**
 * The signed-in staff member allowed `ability`, or null after a redirect to sign in (or the second
 * factor, or the password page); FORBIDDEN (403) for a role without it. (A bad path parameter or
 * query never gets here: src/web/validation.ts refuses it before any handler.)
 */
export async function consoleStaff(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, ability: Ability): Promise<ConsoleStaff | null> {
  const session = await app.accounts.staffPage(request, reply);
  if (!session) return null;
  const can = abilitiesOf(session.user.role!);
  if (!can[ability]) throw new AppError('FORBIDDEN', refusals[ability]);
  return { can, by: { via: 'console', staffId: session.user.id }, actor: session.actor };
}
