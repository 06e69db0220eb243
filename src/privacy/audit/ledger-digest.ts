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
  return digest([
    'disclosure/v1',
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
  ]);
}
