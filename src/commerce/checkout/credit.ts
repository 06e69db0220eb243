// Invoice on account (decision 0021): an invoice order waits on hold until the credit agency has
// answered. Staff ask for the check (a disclosure request the DPO must approve), the DPO approves it
// in the DPO console, then staff record the agency's answer: approved → the buyer's name and invoice
// address are disclosed to the agency under that approval and the order is released to wait for the
// invoice to be paid; refused → the order is cancelled with the reason and its stock released. The
// agency's report, when staff type it, is kept as inbound data: encrypted in the buyer's items with
// the agency as its declared source and the basis (P003-04, decision 0049). Each order step queues
// the buyer's status mail; each kernel step is audited by the kernel.
import { staffCreditNotes, type CreditNote } from './credit-notes.ts';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import type { Actor, PrivacyKernel } from '../../privacy/index.ts';
import { cancelAttempt, refOf } from './flow.ts';
import type { OrderRef, SettlementPorts } from './ports.ts';
import type { CheckoutTables, CreditState } from './tables.ts';
import { dropSource } from './unpaid-hold.ts';

export const CREDIT_PURPOSE = 'credit-check';
export const CREDIT_BASIS = 'credit-risk';
/** What the agency receives: the buyer's name and invoice address, from the order's billing copy. */
export const CREDIT_CATEGORIES = ['user.name', 'user.contact.address'] as const;
/** What the agency answers with: the buyer's credit history, kept with the agency as its source. */
export const CREDIT_HISTORY = 'user.financial.credit_history';
const MAX_REPORT = 2000;

/** The agency's report as staff typed it, and the declared source it came from (default: the agency asked). */
export interface CreditReport {
  text: string;
  source?: string;
}

export interface CreditCheck {
  orderId: string;
  recipient: string;
  state: CreditState;
  approvalId: string | null;
  reason: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export type CreditPorts = Pick<SettlementPorts, 'transitionOrder' | 'releaseStock' | 'orderLines'> & {
  getOrder(db: Db, orderId: string): Promise<OrderRef | null>;
};

export async function creditCheckOf(db: Db, orderId: string, lock = false): Promise<CreditCheck | null> {
  if (!/^[0-9a-f-]{36}$/i.test(orderId)) return null;
  let q = tablesOf<CheckoutTables>(db).selectFrom('checkout_credit_approvals').selectAll().where('order_id', '=', orderId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? { orderId: row.order_id, recipient: row.recipient, state: row.state, approvalId: row.approval_id, reason: row.reason, createdAt: row.created_at, decidedAt: row.decided_at } : null;
}

/** Invoice orders whose credit check is not finished, oldest first. */
export async function openCreditChecks(db: Db, limit = 100): Promise<CreditCheck[]> {
  const rows = await tablesOf<CheckoutTables>(db)
    .selectFrom('checkout_credit_approvals')
    .select('order_id')
    .where('state', 'in', ['awaiting', 'requested'])
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return (await Promise.all(rows.map((r) => creditCheckOf(db, r.order_id)))).filter((c): c is CreditCheck => c !== null);
}

async function lockedCheck(ports: CreditPorts, db: Db, orderId: string): Promise<{ check: CreditCheck; order: OrderRef & { customer_subject: string } }> {
  const check = await creditCheckOf(db, orderId, true);
  const order = check ? await ports.getOrder(db, orderId) : null;
  if (!check || !order) throw notFound('The credit check of this order');
  // A buyer erased meanwhile: their order was cancelled and unlinked; nothing is left to check.
  if (order.customer_subject === null) throw new AppError('CONFLICT', `The buyer of order ${order.number} was erased; there is nothing to check.`);
  return { check, order: { ...order, customer_subject: order.customer_subject } };
}

/** What a credit check shares with the agency: asked for first, then disclosed under the DPO's approval. */
function creditDisclosure(recipient: string, order: { id: string; customer_subject: string }, actor: Actor) {
  return { subject: order.customer_subject, recipient, categories: CREDIT_CATEGORIES, purpose: CREDIT_PURPOSE, basis: CREDIT_BASIS, order: order.id, ref: refOf(order.id, 'billing'), actor };
}

/** Staff ask the DPO to approve disclosing the buyer's name and invoice address to the credit agency. Returns the approval request id. */
export async function requestCreditCheck(ports: CreditPorts, kernel: PrivacyKernel, db: Db, input: { orderId: string; actor: Actor }): Promise<string> {
  const { check, order } = await lockedCheck(ports, db, input.orderId);
  if (check.state !== 'awaiting') throw new AppError('CONFLICT', `The credit check of order ${order.number} was already ${check.state === 'requested' ? 'asked for' : 'decided'}.`);
  const approvalId = await kernel.requestDisclosure(db, creditDisclosure(check.recipient, order, input.actor));
  await tablesOf<CheckoutTables>(db).updateTable('checkout_credit_approvals').set({ state: 'requested', approval_id: approvalId }).where('order_id', '=', order.id).execute();
  return approvalId;
}

/**
 * Staff record the agency's answer. Approved: the disclosure is made under the DPO's approval (the
 * kernel refuses it if the DPO has not approved) and the order leaves the hold. Refused: the order
 * is cancelled with the reason and its stock comes back.
 */
export async function recordCreditDecision(
  ports: CreditPorts,
  kernel: PrivacyKernel,
  db: Db,
  input: { orderId: string; decision: 'approved' | 'refused'; reason?: string; report?: CreditReport; actor: Actor },
): Promise<CreditState> {
  if (input.decision !== 'approved' && input.decision !== 'refused') throw validationError('decision', 'must be approved or refused');
  const reason = input.reason ?? '';
  if (reason !== '' && !staffCreditNotes(input.decision).includes(reason as CreditNote)) throw validationError('reason', `must be one of ${staffCreditNotes(input.decision).join(', ')}`);
  const { check, order } = await lockedCheck(ports, db, input.orderId);
  if (check.state === 'awaiting') throw new AppError('CONFLICT', `Ask for the credit check of order ${order.number} first.`);
  if (check.state !== 'requested') throw new AppError('CONFLICT', `The credit check of order ${order.number} was already decided.`);
  const t = tablesOf<CheckoutTables>(db);
  if (input.report !== undefined) {
    const text = input.report.text.trim();
    if (text === '' || text.length > MAX_REPORT) throw validationError('credit_history', `must be 1 to ${MAX_REPORT} characters`);
    await kernel.write(db, {
      subject: order.customer_subject,
      actor: input.actor,
      purpose: CREDIT_PURPOSE,
      ref: refOf(order.id, 'credit'),
      source: input.report.source ?? check.recipient,
      values: { [CREDIT_HISTORY]: text },
    });
  }
  if (input.decision === 'approved') {
    await kernel.disclose(db, { ...creditDisclosure(check.recipient, order, input.actor), approval: check.approvalId! });
    await ports.transitionOrder(db, { orderId: order.id, to: 'pending_payment', actor: input.actor, reason: 'credit_approved' });
  } else {
    await cancelAttempt(ports, db, order.id, 'credit_refused', input.actor);
  }
  const state: CreditState = input.decision === 'approved' ? 'approved' : 'rejected';
  await t
    .updateTable('checkout_credit_approvals')
    .set({ state, reason: reason || null, decided_at: sql<Date>`now()` })
    .where('order_id', '=', order.id)
    .execute();
  await dropSource(db, order.id);
  return state;
}
