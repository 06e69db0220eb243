// Bounces: a delivery report for a sent message, posted by the mail provider to the bounce webhook
// (`POST /mail/bounces`, decision 0054). The outbox row becomes `bounced` with the report's
// enhanced status code. A hard bounce (5.x.x) counts against the recipient's address: after
// BOUNCE_LIMIT of them, marketing to that subject's address ref is suppressed as `undeliverable`
// (transactional mail, such as a password reset, still goes: the person may have fixed their box).
import { sql } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { CommsTables } from './tables.ts';

export const BOUNCE_LIMIT = 3;
/** An enhanced mail system status code (RFC 3463): class 4 (temporary) or 5 (permanent). */
export const BOUNCE_CODE = /^[45]\.\d{1,3}\.\d{1,3}$/;
const OUTBOX_ID = /^<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^\s<>@]+>?$|^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The outbox id in a Message-ID we sent (`<id@domain>`) or the bare id; null for anything else. */
export function outboxIdOf(messageId: string): string | null {
  const m = OUTBOX_ID.exec(messageId.trim());
  return (m?.[1] ?? m?.[2] ?? null)?.toLowerCase() ?? null;
}

export type BounceOutcome = 'recorded' | 'already-recorded' | 'unknown-message' | 'not-sent';

/** Records one bounce on its message; a hard one may mark the address undeliverable. */
export async function recordBounce(db: Db, outboxId: string, code: string): Promise<{ outcome: BounceOutcome; undeliverable: boolean }> {
  const run = async (trx: Db): Promise<{ outcome: BounceOutcome; undeliverable: boolean }> => {
    const t = tablesOf<CommsTables>(trx);
    const row = await t.selectFrom('comms_outbox').select(['status', 'subject_id', 'address_ref']).where('id', '=', outboxId).forUpdate().executeTakeFirst();
    if (!row) return { outcome: 'unknown-message', undeliverable: false };
    if (row.status === 'bounced') return { outcome: 'already-recorded', undeliverable: false };
    if (row.status !== 'sent') return { outcome: 'not-sent', undeliverable: false };
    await t.updateTable('comms_outbox').set({ status: 'bounced', bounce_code: code, bounced_at: sql<Date>`now()` }).where('id', '=', outboxId).execute();
    if (!code.startsWith('5.')) return { outcome: 'recorded', undeliverable: false };
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from comms_outbox
      where subject_id = ${row.subject_id}::uuid and address_ref = ${row.address_ref} and status = 'bounced' and bounce_code like '5.%'`.execute(trx);
    const hard = rows[0]?.n ?? 0;
    if (hard < BOUNCE_LIMIT) return { outcome: 'recorded', undeliverable: false };
    await t
      .insertInto('comms_undeliverable')
      .values({ subject_id: row.subject_id, address_ref: row.address_ref, hard_bounces: hard })
      .onConflict((oc) => oc.columns(['subject_id', 'address_ref']).doUpdateSet({ hard_bounces: hard }))
      .execute();
    return { outcome: 'recorded', undeliverable: true };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export async function isUndeliverable(db: Db, subject: string, addressRef: string): Promise<boolean> {
  const row = await tablesOf<CommsTables>(db).selectFrom('comms_undeliverable').select('subject_id').where('subject_id', '=', subject).where('address_ref', '=', addressRef).executeTakeFirst();
  return row !== undefined;
}
