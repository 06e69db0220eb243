// An order's identity check, from the risk rules to the decision (decision 0047):
//
//   flagged         checkout matched a rule when the order was made (the order waits for payment)
//   awaiting_proof  paid: put on hold (`awaiting_proof_of_identity`) before anything is delivered,
//                   the buyer mailed a link (an unguessable token; only its hash is kept)
//   proof_received  the buyer uploaded a document (kernel items of the buyer; may upload again)
//   approved        the privacy officer released the order: it goes back to paid and on its way
//   rejected        the privacy officer refused it: cancelled, stock back, refunded
//   closed          the order ended another way (payment lapsed, the buyer deleted their account)
//
// Every step runs in the order's own transaction; the proof is purged by the kernel's retention
// engine through `proofsRetention` when its retention ends (decision 0065), and the review keeps when it was received and purged.
import { createHash, randomBytes } from 'node:crypto';
import { activeStaffOf } from '../../accounts/index.ts';
import { queueMail } from '../../comms/index.ts';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { type Actor, actorTag, type PrivacyKernel, type RetentionStore } from '../../privacy/index.ts';
import { releaseStock } from '../catalogue/index.ts';
import type { OrderPlacedEvent } from '../checkout/index.ts';
import { getOrder, linesOf, ordersPlacedSince, type OrdersDeps, transitionOrder, type TransitionEvent } from '../orders/index.ts';
import { proofReceivedTemplate, proofRequestTemplate } from './mail.ts';
import { checkProofFile, FRAUD_ACTOR, forgetProof, PROOF_CATEGORY, PROOF_PURPOSE, storeProof } from './proof.ts';
import { fraudDb, loadRules, matchingRules } from './rules.ts';
import type { Selectable } from 'kysely';
import type { ReviewState, ReviewTable } from './tables.ts';

export const HOLD_REASON = 'awaiting_proof_of_identity';
export const REJECT_REASON = 'identity_not_confirmed';
export const OPEN_STATES: readonly ReviewState[] = ['flagged', 'awaiting_proof', 'proof_received'];
const HOUR_MS = 3_600_000;

export type Review = Selectable<ReviewTable>;

export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest();
export const uploadPath = (token: string) => `/identity/${token}`;

// Every paid order's transition reads its review: built once (compiled-once.ts).
const reviewStatement = compiledOnce(['orderId'], (db, p: { orderId: string }) => fraudDb(db).selectFrom('fraud_reviews').selectAll().where('order_id', '=', p.orderId));
const reviewLockedStatement = compiledOnce(['orderId'], (db, p: { orderId: string }) => fraudDb(db).selectFrom('fraud_reviews').selectAll().where('order_id', '=', p.orderId).forUpdate());

export async function reviewOf(db: Db, orderId: string, forUpdate = false): Promise<Review | undefined> {
  return (await db.executeQuery((forUpdate ? reviewLockedStatement : reviewStatement)(db, { orderId }))).rows[0];
}

/** Checkout's `orderPlaced` listener: judges the new order by the shop's rules and flags it when any matches. */
export async function flagOnPlaced(db: Db, event: OrderPlacedEvent): Promise<void> {
  const rules = await loadRules(db);
  if (!rules.countryMismatch && !rules.velocity && !rules.amount) return;
  const recentOrders = rules.velocity ? await ordersPlacedSince(db, event.subject, new Date(Date.now() - rules.velocity.hours * HOUR_MS)) : 0;
  const fired = matchingRules(rules, { ...event, recentOrders });
  if (fired.length === 0) return;
  await fraudDb(db).insertInto('fraud_reviews').values({ order_id: event.orderId, rules: fired }).execute();
}

/**
 * Orders' transition listener. Payment of a flagged order: hold it and mail the buyer the link (this
 * module is declared before delivery, whose listener then finds the order on hold and hands out
 * nothing). A release from the hold other than the privacy officer's approval is refused. An order
 * that ends another way closes its check.
 */
export async function holdOnTransition(db: Db, event: TransitionEvent, deps: OrdersDeps): Promise<void> {
  if (event.to !== 'paid' && event.to !== 'cancelled' && event.to !== 'refunded') return;
  const review = await reviewOf(db, event.order.id, true);
  if (!review || !OPEN_STATES.includes(review.state)) return;
  if (event.to === 'paid') {
    if (event.from === 'pending_payment' && review.state === 'flagged') return hold(db, event, deps);
    if (event.from === 'on_hold' && review.state !== 'flagged')
      throw new AppError('CONFLICT', `Order ${event.order.number} waits for an identity check; the privacy officer approves or rejects it under Identity checks.`);
    return;
  }
  await fraudDb(db)
    .updateTable('fraud_reviews')
    .set({ state: 'closed', token_hash: null, decided_at: deps.now(), decided_by: actorTag(event.actor) })
    .where('order_id', '=', event.order.id)
    .execute();
}

async function hold(db: Db, event: TransitionEvent, deps: OrdersDeps): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.now();
  await fraudDb(db)
    .updateTable('fraud_reviews')
    .set({ state: 'awaiting_proof', token_hash: tokenHash(token), held_at: now })
    .where('order_id', '=', event.order.id)
    .execute();
  await transitionOrder(deps, db, { orderId: event.order.id, to: 'on_hold', reason: HOLD_REASON, actor: FRAUD_ACTOR });
  if (event.order.customer_subject === null) return;
  await queueMail(
    db,
    {
      subject: event.order.customer_subject,
      purpose: 'order-status',
      template: proofRequestTemplate,
      params: { number: event.order.number, link: new URL(uploadPath(token), deps.publicUrl).toString(), orderUrl: new URL(`/account/orders/${event.order.number}`, deps.publicUrl).toString() },
      idempotencyKey: `fraud.proof-request:${event.order.id}`,
    },
    { kernel: deps.kernel },
  );
}

/** The open check an upload link belongs to, or LINK_INVALID naming `token`. */
export async function reviewOfToken(db: Db, token: string): Promise<Review> {
  const review = /^[A-Za-z0-9_-]{43}$/.test(token) ? await fraudDb(db).selectFrom('fraud_reviews').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst() : undefined;
  if (!review || (review.state !== 'awaiting_proof' && review.state !== 'proof_received')) {
    const message = 'This link’s token is not valid any more: the order’s identity check is over, or the link was mistyped.';
    throw new AppError('LINK_INVALID', message, [{ field: 'token', message }]);
  }
  return review;
}

/** The buyer's upload (by the link or from their order page), in one transaction: the document through the kernel, the check marked, the privacy officers told. */
export async function receiveProof(kernel: PrivacyKernel, db: Db, p: { orderId: string; file: { data: Buffer; truncated: boolean } | undefined; publicUrl: string; now: Date }): Promise<void> {
  const file = checkProofFile(p.file);
  await db.transaction().execute(async (trx) => {
    const review = await reviewOf(trx, p.orderId, true);
    if (!review || (review.state !== 'awaiting_proof' && review.state !== 'proof_received')) throw new AppError('CONFLICT', 'This order’s identity check is over; nothing more is needed.');
    const order = await getOrder(trx, p.orderId);
    if (!order?.customer_subject) throw new AppError('CONFLICT', 'This order’s identity check is over; nothing more is needed.');
    const parts = await storeProof(kernel, trx, { orderId: p.orderId, subject: order.customer_subject, data: file.data, type: file.type });
    await fraudDb(trx).updateTable('fraud_reviews').set({ state: 'proof_received', proof_parts: parts, proof_received_at: p.now, purged_at: null }).where('order_id', '=', p.orderId).execute();
    for (const officer of await activeStaffOf(trx, ['dpo'])) {
      await queueMail(trx, {
        subject: officer.subject_id,
        purpose: 'account',
        template: proofReceivedTemplate,
        params: { number: order.number, console: new URL(`/staff/dpo/identity/${order.number}`, p.publicUrl).toString() },
        idempotencyKey: `fraud.proof-received:${p.orderId}:${p.now.getTime()}:${officer.id}`,
      });
    }
  });
}

/**
 * The privacy officer's decision, in one transaction. Approved: the order goes back to where it was
 * held from (paid), whose listeners deliver it. Rejected: its stock comes back and it is cancelled,
 * which refunds what was paid through checkout's refund listener. The buyer gets the status mail.
 */
export async function decide(deps: OrdersDeps, db: Db, p: { orderId: string; decision: 'approved' | 'rejected'; actor: Actor }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const order = await getOrder(trx, p.orderId, { forUpdate: true });
    const review = await reviewOf(trx, p.orderId, true);
    if (!order || !review) throw new AppError('NOT_FOUND', 'The identity check of this order was not found.');
    if (review.state !== 'awaiting_proof' && review.state !== 'proof_received')
      throw new AppError('CONFLICT', 'This identity check is decided already.', [{ field: 'decision', message: 'is recorded already' }]);
    if (p.decision === 'approved' && review.state !== 'proof_received')
      throw new AppError('CONFLICT', 'No proof of identity has arrived yet: wait for it, or reject the order.', [{ field: 'decision', message: 'needs a proof of identity first' }]);
    await fraudDb(trx)
      .updateTable('fraud_reviews')
      .set({ state: p.decision, token_hash: null, decided_at: deps.now(), decided_by: actorTag(p.actor) })
      .where('order_id', '=', p.orderId)
      .execute();
    if (p.decision === 'approved') {
      await transitionOrder(deps, trx, { orderId: p.orderId, to: order.held_from ?? 'paid', actor: p.actor });
      return;
    }
    await releaseStock(
      trx,
      (await linesOf(trx, p.orderId)).map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
    );
    await transitionOrder(deps, trx, { orderId: p.orderId, to: 'cancelled', reason: REJECT_REASON, actor: p.actor });
  });
}

/**
 * Proofs of identity whose retention (user.government_id under fraud-prevention) has ended, counted
 * from their upload: the kernel's retention engine calls this batch by batch (decision 0065). Each
 * proof is forgotten in the kernel; the check keeps when.
 */
export const proofsRetention: RetentionStore = {
  name: 'fraud.proofs',
  description: 'Proofs of identity buyers uploaded for a held order, counted from the upload.',
  category: PROOF_CATEGORY,
  purpose: PROOF_PURPOSE,
  action: 'purge',
  async purge({ db, kernel, now }, cutoff, limit) {
    const due = await fraudDb(db)
      .selectFrom('fraud_reviews')
      .select('order_id')
      .where('purged_at', 'is', null)
      .where('proof_parts', 'is not', null)
      .where('proof_received_at', '<', cutoff)
      .orderBy('proof_received_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const { order_id } of due) {
      const order = await getOrder(db, order_id);
      if (order?.customer_subject) await forgetProof(kernel, db, { orderId: order_id, subject: order.customer_subject });
      await fraudDb(db).updateTable('fraud_reviews').set({ purged_at: now, token_hash: null }).where('order_id', '=', order_id).execute();
    }
    return due.length;
  },
};
