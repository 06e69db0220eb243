// The consent and disclosure ledgers bound into the audit chain (decision 0027): the audit entry
// written with each ledger row carries `row_digest`, a SHA-256 of the row's content, and verify
// recomputes it from the row. The entry is chained, so changing a ledger row (a disclosure's
// recipient, a consent's action) or the digest itself is caught.
import { createHash } from 'node:crypto';

export interface ConsentRowContent {
  subject_id: string;
  purpose: string;
  recipient: string;
  action: string;
  channel: string;
  recorded_at: Date;
  recorded_by_kind: string;
  recorded_by: string;
  policy_version: string;
  evidence: Buffer | null;
}

export interface DisclosureRowContent {
  id: string;
  at: Date;
  subject_id: string;
  recipient: string;
  recipient_ref: string;
  categories: readonly string[];
  purpose: string;
  basis: string;
  order_ref: string | null;
  actor_kind: string;
  actor_id: string;
  approval_id: string | null;
  consent_id: number | null;
  /** The categories that held a value and left (decision 0049); null on rows from before. */
  released?: readonly string[] | null;
}

const digest = (fields: unknown[]): string => createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
const iso = (d: Date): string => new Date(d).toISOString();

export function consentDigest(r: ConsentRowContent): string {
  return digest([
    'consent/v1',
    r.subject_id.toLowerCase(),
    r.purpose,
    r.recipient,
    r.action,
    r.channel,
    iso(r.recorded_at),
    r.recorded_by_kind,
    r.recorded_by,
    r.policy_version,
    r.evidence ? Buffer.from(r.evidence).toString('base64') : null,
  ]);
}

export function disclosureDigest(r: DisclosureRowContent): string {
  const released = r.released === undefined || r.released === null ? null : [...r.released];
  return digest([
    released === null ? 'disclosure/v1' : 'disclosure/v2',
    r.id.toLowerCase(),
    iso(r.at),
    r.subject_id.toLowerCase(),
    r.recipient,
    r.recipient_ref,
    [...r.categories],
    r.purpose,
    r.basis,
    r.order_ref,
    r.actor_kind,
    r.actor_id,
    r.approval_id ? r.approval_id.toLowerCase() : null,
    r.consent_id === null ? null : Number(r.consent_id),
    ...(released === null ? [] : [released]),
  ]);
}

export interface ApprovalRowContent {
  id: string;
  requested_at: Date;
  subject_id: string;
  recipient: string;
  categories: readonly string[];
  purpose: string;
  basis: string;
  order_ref: string | null;
  requested_by_kind: string;
  requested_by: string;
}

export interface DecisionRowContent {
  approval_id: string;
  decision: string;
  decided_at: Date;
  decided_by: string;
}

export function approvalDigest(r: ApprovalRowContent): string {
  return digest([
    'disclosure-approval/v1',
    r.id.toLowerCase(),
    iso(r.requested_at),
    r.subject_id.toLowerCase(),
    r.recipient,
    [...r.categories],
    r.purpose,
    r.basis,
    r.order_ref,
    r.requested_by_kind,
    r.requested_by,
  ]);
}

export function decisionDigest(r: DecisionRowContent): string {
  return digest(['disclosure-decision/v1', r.approval_id.toLowerCase(), r.decision, iso(r.decided_at), r.decided_by]);
}

export interface ConsentReviewRowContent {
  consent_id: number;
  decision: string;
  decided_at: Date;
  decided_by: string;
  reversal_id: number | null;
}

export function consentReviewDigest(r: ConsentReviewRowContent): string {
  return digest(['consent-review/v1', Number(r.consent_id), r.decision, iso(r.decided_at), r.decided_by, r.reversal_id === null ? null : Number(r.reversal_id)]);
}

/** Each bound ledger: its table, the key its entries name in `detail`, the actions that write it and its digest. */
export interface BoundLedger {
  /** As named in a `ledger.bind` entry's detail. */
  name: string;
  label: string;
  table: string;
  column: string;
  detailKey: string;
  actions: readonly string[];
  digest(row: never): string;
}

export const boundLedgers: readonly BoundLedger[] = [
  { name: 'consents', label: 'consent', table: 'privacy_consents', column: 'id', detailKey: 'consent_id', actions: ['consent.grant', 'consent.withdraw'], digest: consentDigest },
  { name: 'disclosures', label: 'disclosure', table: 'privacy_disclosures', column: 'id', detailKey: 'disclosure_id', actions: ['disclosure'], digest: disclosureDigest },
  {
    name: 'consent_reviews',
    label: 'consent review',
    table: 'privacy_consent_reviews',
    column: 'consent_id',
    detailKey: 'consent_id',
    actions: ['consent.review'],
    digest: consentReviewDigest,
  },
  {
    name: 'disclosure_approvals',
    label: 'disclosure approval request',
    table: 'privacy_disclosure_approvals',
    column: 'id',
    detailKey: 'approval_id',
    actions: ['disclosure.request'],
    digest: approvalDigest,
  },
  {
    name: 'disclosure_decisions',
    label: 'disclosure decision',
    table: 'privacy_disclosure_decisions',
    column: 'approval_id',
    detailKey: 'approval_id',
    actions: ['disclosure.decide'],
    digest: decisionDigest,
  },
];
