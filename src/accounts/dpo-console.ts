// What the DPO console lists, from the kernel (accounts never reads the kernel's tables): disclosure
// requests awaiting a decision and consent changes staff recorded for a person, awaiting review,
// with who asked or recorded named by role and a short id from our own table.
import { staffRolesOf } from './users.ts';
import type { Db } from '../platform/db/database.ts';
import type { Actor, PrivacyKernel } from '../privacy/index.ts';
import type { ConsentReviewView, DisclosureRequestView } from './pages/dpo.ts';

export async function pendingDisclosureViews(db: Db, kernel: PrivacyKernel, actor: Actor): Promise<DisclosureRequestView[]> {
  const pending = await kernel.pendingDisclosureRequests(db, actor);
  const roles = await staffRolesOf(
    db,
    pending.map((p) => p.requestedBy),
  );
  return pending.map((p) => ({ ...p, requestedByLabel: `${roles.get(p.requestedBy) ?? 'staff'} ${p.requestedBy.slice(0, 8)}` }));
}

export async function pendingConsentViews(db: Db, kernel: PrivacyKernel, actor: Actor): Promise<ConsentReviewView[]> {
  const pending = await kernel.pendingConsentReviews(db, actor);
  const roles = await staffRolesOf(
    db,
    pending.map((p) => p.recordedBy),
  );
  const self = actor.kind === 'staff' ? actor.staffId : null;
  return pending.map((p) => ({
    ...p,
    purposeName: kernel.map.purposes.get(p.purpose)?.name ?? p.purpose,
    recipientName: p.recipient ? (kernel.map.recipients.get(p.recipient)?.name ?? p.recipient) : null,
    recordedByLabel: `${roles.get(p.recordedBy) ?? 'staff'} ${p.recordedBy.slice(0, 8)}`,
    mine: p.recordedBy === self,
  }));
}
