// Recommendations on the buyer's orders page (purpose `recommendations`, added by policy 2025.1):
// what other buyers of the same products also bought. Using someone's purchases this way is a new
// use of data collected before 2025.1, so the kernel decides first: the recommender reads the
// person's purchase history under `recommendations`, and a refusal (no agreement yet, the opt-out
// window of the notice not over, opted out, deactivated) means no recommendations at all
// (P001-08, P004-21, decision 0053). Only then are the order lines compared.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { type PrivacyKernel, isPrivacyRefusal, systemActor } from '../../privacy/index.ts';

export const RECOMMENDATIONS_JOB = 'orders.recommendations';
const ACTOR = systemActor(RECOMMENDATIONS_JOB);
const HOW_MANY = 3;

/** Up to three product names other buyers of this person's products bought; null when the kernel refuses the use. */
export async function recommendationsFor(kernel: PrivacyKernel, db: Db, subject: string): Promise<string[] | null> {
  try {
    await kernel.read(db, { subject, actor: ACTOR, purpose: 'recommendations', categories: ['user.behavior.purchase_history'] });
  } catch (err) {
    if (isPrivacyRefusal(err)) return null;
    throw err;
  }
  const { rows } = await sql<{ name: string }>`
    with mine as (select distinct l.product_id from orders_lines l join orders o on o.id = l.order_id where o.customer_subject = ${subject}::uuid),
    peers as (select distinct o.customer_subject from orders o join orders_lines l on l.order_id = o.id
      where l.product_id in (select product_id from mine) and o.customer_subject is not null and o.customer_subject <> ${subject}::uuid)
    select min(l.name) as name from orders_lines l join orders o on o.id = l.order_id
    where o.customer_subject in (select customer_subject from peers) and l.product_id not in (select product_id from mine)
    group by l.product_id order by count(distinct o.customer_subject) desc, min(l.name) limit ${HOW_MANY}`.execute(db);
  return rows.map((r) => r.name);
}
