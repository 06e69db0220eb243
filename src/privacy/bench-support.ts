// For benchmarks outside the kernel (bench/rights.ts), which may not name its tables: the kernel's
// share of a person's rows as a shape to compare, and the plain-SQL baselines of what an export
// reads and an erasure changes here (no decryption, no audit, no keyring).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../platform/db/database.ts';

/** The kernel's rows of a person, ids and times left out (counts per kind of row). */
export async function kernelShapeOf(db: Db, subject: string): Promise<Record<string, unknown[]>> {
  const q = async <T>(query: RawBuilder<T>) => (await query.execute(db)).rows;
  return {
    items: await q(
      sql`select category, purpose, regexp_replace(ref, '[0-9a-f-]{36}', '<id>') as ref, count(*)::int as n from privacy_items where subject_id = ${subject}::uuid group by 1, 2, 3 order by 1, 2, 3`,
    ),
    audit:
      await q(sql`select actor_kind, case when actor_kind = 'self' then 'the person' else actor_id end as actor_id, action, outcome, purpose, categories, array(select jsonb_object_keys(detail) order by 1) as detail, count(*)::int as n
      from privacy_audit_log where subject_id = ${subject}::uuid group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6::text, 7::text`),
    disclosures: await q(
      sql`select recipient, recipient_ref, categories, purpose, basis, actor_kind, actor_id, order_ref is not null as for_order, count(*)::int as n from privacy_disclosures where subject_id = ${subject}::uuid group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1`,
    ),
  };
}

/** The kernel's rows an export reads, by plain SELECTs (items as ciphertext); returns how many rows. */
export async function plainKernelRead(db: Db, subject: string): Promise<number> {
  let rows = 0;
  for (const query of [
    sql`select id, category, ref, ciphertext, purpose, policy_version, collected_at, retain_until from privacy_items where subject_id = ${subject}::uuid order by category, ref`,
    sql`select id, purpose, recipient, action, recorded_at from privacy_consents where subject_id = ${subject}::uuid order by id`,
    sql`select id, at, recipient, recipient_ref, categories, purpose, basis, order_ref from privacy_disclosures where subject_id = ${subject}::uuid order by at, id`,
    sql`select id, at, kind, recipient, categories, orders from privacy_recipient_notices where subject_id = ${subject}::uuid order by at, id`,
    sql`select at, actor_kind, actor_id, actor_role, action, outcome, purpose, categories from privacy_audit_log where subject_id = ${subject}::uuid order by id`,
  ]) {
    rows += (await query.execute(db)).rows.length;
  }
  return rows;
}

/** The kernel's rows an erasure changes, by plain SQL, in the caller's transaction. */
export async function plainKernelErase(trx: Db, subject: string): Promise<void> {
  await sql`delete from privacy_blind_indexes where subject_id = ${subject}::uuid`.execute(trx);
  await sql`delete from privacy_subject_keys where subject_id = ${subject}::uuid`.execute(trx);
  await sql`update privacy_subjects set status = 'erased', status_changed_at = now() where id = ${subject}::uuid`.execute(trx);
}

/** The encrypted items of one person under one ref (a disclosure's read, without decryption or audit): bench/vendor.ts's baseline. */
export async function plainItemsRead(db: Db, subject: string, ref: string): Promise<number> {
  const { rows } = await sql`select id, category, ref, ciphertext, purpose from privacy_items where subject_id = ${subject}::uuid and ref = ${ref}`.execute(db);
  return rows.length;
}

/** How many disclosures the ledger holds for a recipient. */
export async function disclosureCount(db: Db, recipient: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_disclosures where recipient = ${recipient}`.execute(db);
  return rows[0]!.n;
}

/**
 * For bench/retention.ts: `n` kernel items past their end (junk ciphertext; the sweep never opens
 * them), spread over `subjects` new subjects of one kind, in statements of at most 100,000 rows.
 */
export async function seedExpiredItems(db: Db, n: number, subjects = 1000): Promise<void> {
  const { rows } = await sql<{ id: string }>`
    insert into privacy_subjects (id, kind, policy_version, created_at)
    select gen_random_uuid(), 'customer', (select version from privacy_policy_versions order by effective_at desc limit 1), now() - interval '3 years'
    from generate_series(1, ${subjects}::int) returning id::text`.execute(db);
  const ids = rows.map((r) => r.id);
  const per = Math.ceil(n / ids.length);
  for (let from = 0; from < n; from += 100_000) {
    const to = Math.min(n, from + 100_000);
    await sql`insert into privacy_items (id, subject_id, category, ref, ciphertext, policy_version, purpose, collected_at, retain_until)
      select gen_random_uuid(), (${ids}::uuid[])[1 + (g / ${per})::int], 'user.content.private', 'bench:' || g, '\\x00'::bytea,
        (select version from privacy_policy_versions order by effective_at desc limit 1), 'support', now() - interval '800 days', now() - interval '70 days'
      from generate_series(${from}::int, ${to - 1}::int) g`.execute(db);
  }
}

/** How many kernel items are past their end now. */
export async function expiredItemCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_items where retain_until < now()`.execute(db);
  return rows[0]!.n;
}
