// Row types of the rights module's tables (see migrations.ts).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export const requestKinds = ['access', 'correction', 'deletion', 'deactivation', 'opt-out'] as const;
export type RequestKind = (typeof requestKinds)[number];
export const requestChannels = ['web', 'email', 'phone', 'post', 'in-person'] as const;
export type RequestChannel = (typeof requestChannels)[number];
export type RequestSource = 'self' | 'staff' | 'cli';
/** unverified: entered by staff, the person not yet proven; open: verified, to do; in-progress: a deletion under way. */
export type RequestStatus = 'unverified' | 'open' | 'in-progress' | 'completed' | 'rejected';
export const evidenceKinds = ['signed-letter', 'call-back', 'in-person-id', 'reply-from-address'] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];
/** How far a deletion got (each step is done once; see erasure.ts). */
export type ErasureStep = 'suspended' | 'receipt-queued' | 'erased' | 'unlinked';
export const rejectionOutcomes = ['identity-not-verified', 'manifestly-unfounded', 'duplicate'] as const;
export type RequestOutcome = 'done' | 'nothing-held' | 'called-off' | (typeof rejectionOutcomes)[number];

export interface RequestTable {
  id: string;
  number: string;
  kind: RequestKind;
  subject_id: string | null;
  source: RequestSource;
  channel: RequestChannel;
  status: RequestStatus;
  received_at: Timestamp;
  due_at: Timestamp;
  verified_at: Timestamp | null;
  verification: 'signed-in' | 'email-link' | 'evidence' | null;
  evidence: EvidenceKind | null;
  step: ErasureStep | null;
  step_at: Timestamp | null;
  receipt_message: string | null;
  reminded_at: Timestamp | null;
  overdue_at: Timestamp | null;
  closed_at: Timestamp | null;
  outcome: RequestOutcome | null;
  entered_by: string | null;
}

export interface RequestEventTable {
  id: Generated<number>;
  request_id: string;
  at: Timestamp;
  event: string;
  /** Pseudonymous: `self`, `staff:<id>`, `system:<job>`. */
  actor_ref: string;
  detail: ColumnType<Record<string, string | number | boolean | null>, string, string>;
}

export interface LinkTable {
  token_hash: Buffer;
  request_id: string;
  purpose: 'verify' | 'download';
  expires_at: Date;
  used_at: Date | null;
}

export const complaintStatuses = ['open', 'answered', 'closed'] as const;
/** open: waiting for the privacy officer's answer; answered: a reply went out; closed: done (may be reopened). */
export type ComplaintStatus = (typeof complaintStatuses)[number];
/** customer: filed while signed in, on their own subject; correspondent: filed without an account, on a subject of its own. */
export type ComplaintFiler = 'customer' | 'correspondent';
export type ComplaintChannel = 'web' | 'api';
export const complaintEvents = ['received', 'acknowledged', 'replied', 'note', 'closed', 'reopened'] as const;
export type ComplaintEvent = (typeof complaintEvents)[number];

/** A complaint case: ids, its number, status and dates. What the person wrote, and every reply and note, are kernel items of its subject. */
export interface ComplaintTable {
  id: string;
  number: string;
  /** Null once the person is erased: the case stays as the shop's record with nobody behind it. */
  subject_id: string | null;
  filed_by: ComplaintFiler;
  channel: ComplaintChannel;
  status: ComplaintStatus;
  received_at: Timestamp;
  due_at: Timestamp;
  closed_at: Timestamp | null;
  /** How many replies and notes were written: the next one's kernel ref takes the next number. */
  items: number;
}

export interface ComplaintEventTable {
  id: Generated<number>;
  complaint_id: string;
  at: Timestamp;
  event: ComplaintEvent;
  /** Pseudonymous: `self`, `staff:<id>`, `system:<job>`. */
  actor_ref: string;
  detail: ColumnType<Record<string, string | number | boolean | null>, string, string>;
}

export interface RightsTables {
  rights_requests: RequestTable;
  rights_request_events: RequestEventTable;
  rights_links: LinkTable;
  rights_complaints: ComplaintTable;
  rights_complaint_events: ComplaintEventTable;
}
