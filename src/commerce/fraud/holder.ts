// What the fraud module keeps about a person, for their export and erasure. Its tables hang on
// orders, not people, and hold no personal data; the proof itself is kernel items of the buyer
// (exported by the kernel's own section, in parts, and shredded with the buyer). The export adds the
// person's identity checks in plain words; the erasure ends their upload links and records that
// the proofs went with them, so the orders that stay say what happened.
import type { ExportRecord, PersonalDataHolder } from '../../privacy/index.ts';
import { ordersOfCustomer } from '../orders/index.ts';
import { ruleLabels, type RuleCode, fraudDb } from './rules.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function reviewsOf(db: Parameters<typeof ordersOfCustomer>[0], subject: string) {
  const orders = await ordersOfCustomer(db, subject);
  if (orders.length === 0) return { orders, reviews: [] };
  const reviews = await fraudDb(db)
    .selectFrom('fraud_reviews')
    .selectAll()
    .where(
      'order_id',
      'in',
      orders.map((o) => o.id),
    )
    .execute();
  return { orders, reviews };
}

export const fraudHolder: PersonalDataHolder = {
  tables: [],
  async export({ db }, subject) {
    const { orders, reviews } = await reviewsOf(db, subject);
    const numbers = new Map(orders.map((o) => [o.id, o.number]));
    const records: ExportRecord[] = reviews.map((r) => ({
      order: numbers.get(r.order_id) ?? null,
      rules_matched: r.rules.map((code) => ruleLabels[code as RuleCode] ?? code),
      state: r.state,
      held_at: iso(r.held_at),
      proof_received_at: iso(r.proof_received_at),
      proof_kept_as: r.proof_parts !== null && r.purged_at === null ? `kernel items fraud:${r.order_id}:proof:0…${r.proof_parts - 1} (category user.government_id)` : null,
      proof_deleted_at: iso(r.purged_at),
      decided_at: iso(r.decided_at),
    }));
    return [
      {
        id: 'identity-checks',
        title: 'Identity checks of your orders',
        description:
          'Orders our risk rules held until you sent a proof of identity: which rules matched, when you sent the proof, when it was decided and deleted. The proof itself is listed with your stored items.',
        records,
      },
    ];
  },
  async erase({ db, now }, subject) {
    const { reviews } = await reviewsOf(db, subject);
    const ids = reviews.map((r) => r.order_id);
    if (ids.length === 0) return;
    await fraudDb(db).updateTable('fraud_reviews').set({ token_hash: null }).where('order_id', 'in', ids).execute();
    // The kernel shreds the proof with the person in this same erasure.
    await fraudDb(db).updateTable('fraud_reviews').set({ purged_at: now }).where('order_id', 'in', ids).where('proof_parts', 'is not', null).where('purged_at', 'is', null).execute();
  },
};
