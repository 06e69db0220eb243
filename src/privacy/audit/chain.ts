// The audit chain: link i holds h_i = SHA-256(h_{i-1} ‖ i ‖ canonical(entry)), starting from a
// fixed genesis value. Changing, removing or reordering any sealed entry breaks every later link.
import { createHash } from 'node:crypto';

export const GENESIS = createHash('sha256').update('custodian/audit/genesis/v1').digest();

export interface AuditRow {
  id: number;
  at: Date;
  actor_kind: string;
  actor_id: string;
  actor_role: string | null;
  action: string;
  outcome: string;
  subject_id: string | null;
  purpose: string | null;
  categories: string[];
  detail: unknown;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The canonical bytes of an entry: a JSON array of its fields in a fixed order, detail keys sorted. */
export function canonical(row: AuditRow): Buffer {
  return Buffer.from(
    JSON.stringify([
      Number(row.id),
      new Date(row.at).toISOString(),
      row.actor_kind,
      row.actor_id,
      row.actor_role,
      row.action,
      row.outcome,
      row.subject_id,
      row.purpose,
      [...(row.categories ?? [])],
      sortKeys(row.detail ?? {}),
    ]),
    'utf8',
  );
}

export function linkHash(previous: Buffer, seq: number, row: AuditRow): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  return createHash('sha256').update(previous).update(seqBytes).update(canonical(row)).digest();
}
