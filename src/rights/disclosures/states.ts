// Where a recorded request stands, from its row and the kernel's approval (ApprovalState).
import type { ApprovalState } from '../../privacy/index.ts';
import type { LegalDisclosureRow } from './store.ts';

export type LegalState = 'awaiting-approval' | 'approved' | 'rejected' | 'produced' | 'emergency-ready' | 'awaiting-review' | 'reviewed';

export const stateLabels: Readonly<Record<LegalState, string>> = {
  'awaiting-approval': 'Awaiting the privacy officer’s approval',
  approved: 'Approved: ready to produce',
  rejected: 'Rejected by the privacy officer',
  produced: 'Produced and ledgered',
  'emergency-ready': 'Emergency: may be produced now',
  'awaiting-review': 'Emergency produced: awaiting the privacy officer’s review',
  reviewed: 'Emergency produced and reviewed',
};

export function stateOf(row: LegalDisclosureRow, approval: ApprovalState | undefined): LegalState {
  if (!row.needs_approval) return row.reviewed_at ? 'reviewed' : row.produced_at ? 'awaiting-review' : 'emergency-ready';
  if (row.produced_at) return 'produced';
  if (approval?.decision === 'approved') return 'approved';
  if (approval?.decision === 'rejected') return 'rejected';
  return 'awaiting-approval';
}
