import type { ColumnType, Generated } from 'kysely';

export interface IdempotencyKeyTable {
  scope: string;
  key_digest: Buffer;
  request_hash: Buffer;
  /** Only results below 500 are kept: a failed attempt leaves nothing, so a retry runs. */
  response_status: number;
  /** Ids, numbers and URLs only; never personal data. */
  response_body: ColumnType<IdempotentBody, string, string>;
  created_at: Generated<Date>;
  expires_at: Date;
}

export type IdempotentBody = Record<string, unknown>;

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeyTable;
}
