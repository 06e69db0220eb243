// One audit entry: who did what to whose data, under which purpose, with what outcome. It holds
// pseudonymous ids and category keys only, never personal data.
import type { Actor } from '../actors.ts';

export type AuditAction =
  | 'subject.create'
  | 'subject.restrict'
  | 'subject.reactivate'
  | 'subject.erase'
  | 'data.read'
  | 'data.write'
  | 'data.lookup'
  | 'data.purge'
  | 'data.correct'
  | 'audit.read'
  | 'evidence.read'
  | 'notice.record'
  | 'notice.deliver'
  | 'notice.list'
  | 'notice.read'
  | 'consent.grant'
  | 'consent.withdraw'
  | 'consent.read'
  | 'consent.review'
  | 'consent.review.list'
  | 'disclosure'
  | 'disclosure.request'
  | 'disclosure.decide'
  | 'disclosure.list'
  | 'disclosure.read'
  | 'key.create'
  | 'key.rewrap'
  | 'key.rotate'
  | 'key.destroy'
  | 'key.drop'
  | 'policy.publish'
  | 'residency.record'
  | 'staff.action'
  /** A shop's first start, before any link exists (decision 0027). */
  | 'audit.anchor'
  /** The DPO accepted the chain as it stands and anchored it anew. */
  | 'audit.reanchor'
  /** The DPO accepted a database restored from a backup (behind its anchor). */
  | 'audit.restore'
  /** Binds a ledger row written before ledgers were bound into the chain. */
  | 'ledger.bind';

export type AuditOutcome = 'ok' | 'refused';

export type AuditDetailValue = string | number | boolean | null | string[];

export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  outcome: AuditOutcome;
  subjectId?: string | null;
  purpose?: string | null;
  categories?: readonly string[];
  detail?: Record<string, AuditDetailValue>;
}
