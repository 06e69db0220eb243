// What the DPO console lists, from the kernel (accounts never reads the kernel's tables): disclosure
// requests awaiting a decision, with who asked named by role and a short id from our own table.
import { staffRolesOf } from './users.ts';
import type { Db } from '../platform/db/database.ts';
import type { Actor } from '../privacy/actors.ts';
import type { PrivacyKernel } from '../privacy/kernel.ts';
import type { DisclosureRequestView } from './pages/dpo.ts';

export async function pendingDisclosureViews(db: Db, kernel: PrivacyKernel, actor: Actor): Promise<DisclosureRequestView[]> {
  const pending = await kernel.pendingDisclosureRequests(db, actor);
  const roles = await staffRolesOf(db, pending.map((p) => p.requestedBy));
  return pending.map((p) => ({ ...p, requestedByLabel: `${roles.get(p.requestedBy) ?? 'staff'} ${p.requestedBy.slice(0, 8)}` }));
}
