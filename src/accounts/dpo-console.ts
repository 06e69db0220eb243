// What the DPO console lists, from the kernel (accounts never reads the kernel's tables): disclosure
// requests awaiting a decision, with who asked named by role and a short id from our own table.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Actor } from '../privacy/actors.ts';
import type { PrivacyKernel } from '../privacy/kernel.ts';
import type { DisclosureRequestView } from './pages/dpo.ts';

export async function pendingDisclosureViews(db: Db, kernel: PrivacyKernel, actor: Actor): Promise<DisclosureRequestView[]> {
  const pending = await kernel.pendingDisclosureRequests(db, actor);
  const ids = [...new Set(pending.map((p) => p.requestedBy))].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const { rows } = ids.length
    ? await sql<{ id: string; role: string | null }>`select id, role from accounts_users where id = any(${ids}::uuid[])`.execute(db)
    : { rows: [] };
  const roles = new Map(rows.map((r) => [r.id, r.role]));
  return pending.map((p) => ({ ...p, requestedByLabel: `${roles.get(p.requestedBy) ?? 'staff'} ${p.requestedBy.slice(0, 8)}` }));
}
