// Refusing: the refusal is audited, then thrown as a typed error. When the caller is inside a
// transaction (which the refusal will most likely roll back), the audit row is written on the
// kernel's own connection instead, so the refusal stays on record whatever the caller does.
import type { Db } from '../../platform/db/database.ts';
import { appendAudit } from '../audit/append.ts';
import type { AuditEntry } from '../audit/entry.ts';
import type { KernelContext } from '../context.ts';
import { PrivacyRefusal, SubjectErased, type RefusalReason } from '../refusals.ts';

export async function auditOutsideCaller(ctx: KernelContext, db: Db, entries: AuditEntry[]): Promise<void> {
  const at = ctx.now();
  if (!db.isTransaction) {
    await appendAudit(db, entries, at);
    return;
  }
  // Not awaited: on the embedded database the caller's transaction holds the only connection.
  const write = appendAudit(ctx.rootDb, entries, at).catch((err: unknown) => {
    ctx.log?.error({ err }, 'privacy: writing a refusal to the audit log failed');
  });
  ctx.pending.add(write);
  void write.finally(() => ctx.pending.delete(write));
}

export async function refuse(ctx: KernelContext, db: Db, entry: Omit<AuditEntry, 'outcome'>, reason: RefusalReason | 'erased', message: string): Promise<never> {
  await auditOutsideCaller(ctx, db, [{ ...entry, outcome: 'refused', detail: { ...entry.detail, reason } }]);
  if (reason === 'erased') throw new SubjectErased();
  throw new PrivacyRefusal(reason, message);
}
