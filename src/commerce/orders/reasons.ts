// Why an order changed status: a code from this fixed catalogue, never text typed by staff. Free
// text about an order tends to quote the buyer ("she called, new address is …") and would sit in
// plain text in the history, the outbox and the mail, beside the encrypted vault (decision 0028).
// Each code has the label staff choose from and the wording the buyer reads; `staff` codes are the
// ones the console and the API offer, the rest are set by the shop's own steps (checkout, erasure).
import type { OrderStatus } from './states.ts';

interface Reason {
  /** What staff see on the form and in the history. */
  label: string;
  /** What the buyer reads in the mail and on their order page. */
  wording: string;
  /** The statuses this reason may explain. */
  for: readonly OrderStatus[];
  /** Offered on the staff console and the staff API. */
  staff: boolean;
}

const reason = (label: string, wording: string, statuses: readonly OrderStatus[], staff = true): Reason => ({ label, wording, for: statuses, staff });
const ended = ['cancelled', 'refunded'] as const;

export const orderReasons = {
  customer_request: reason('The buyer asked for it', 'You asked us to.', ended),
  out_of_stock: reason('An item is out of stock', 'An item in your order is no longer available.', ['cancelled', 'on_hold']),
  cannot_deliver: reason('We cannot deliver to the address', 'We cannot deliver to the address given.', ['cancelled', 'on_hold']),
  payment_not_received: reason('The payment did not arrive', 'We did not receive the payment.', ['cancelled']),
  security_check: reason('Security check', 'We are running a routine security check.', ['cancelled', 'on_hold']),
  address_check: reason('Checking the delivery details', 'We are checking the delivery details.', ['on_hold']),
  payment_check: reason('Checking the payment', 'We are checking the payment.', ['on_hold']),
  awaiting_buyer: reason('Waiting for the buyer to answer', 'We have asked you a question and are waiting for your answer.', ['on_hold']),
  returned: reason('The buyer sent it back', 'You sent it back to us.', ['refunded']),
  damaged: reason('It arrived damaged or did not work', 'It arrived damaged or did not work.', ['refunded']),
  shop_error: reason('Our mistake (price or item)', 'We made a mistake with your order.', ended),
  goodwill: reason('Goodwill', 'As a goodwill gesture.', ['refunded']),
  // Set by the shop's own steps.
  payment_received: reason('Payment received', 'Your payment arrived.', ['paid'], false),
  nothing_to_pay: reason('Nothing to pay', 'There was nothing to pay.', ['paid'], false),
  awaiting_credit: reason('Awaiting credit approval', 'We are checking the credit for your invoice.', ['on_hold'], false),
  credit_approved: reason('Credit approved; awaiting the invoice payment', 'The credit for your invoice is approved; we wait for its payment.', ['pending_payment'], false),
  credit_refused: reason('Credit refused', 'The credit check for your invoice was not approved.', ['cancelled'], false),
  payment_not_started: reason('The payment could not start', 'The payment could not be started; nothing was charged.', ['cancelled'], false),
  payment_expired: reason('The payment was not completed in time', 'The payment was not completed in time.', ['cancelled'], false),
  account_deleted: reason('The buyer deleted their account', 'You deleted your account.', ['cancelled'], false),
  awaiting_licence_keys: reason('Waiting for licence keys', 'We are getting the licence keys for your order; we mail them to you as soon as they arrive.', ['on_hold'], false),
  awaiting_proof_of_identity: reason(
    'Waiting for proof of identity',
    'We need to confirm who placed this order before we send it; we have mailed you a link to upload a proof of identity.',
    ['on_hold'],
    false,
  ),
  identity_not_confirmed: reason('Proof of identity not accepted', 'We could not confirm who placed this order; any payment is refunded.', ['cancelled'], false),
  // What the free text of orders made before the catalogue became (migration orders/0003).
  other: reason('Other (earlier note, removed)', '', [], false),
} as const satisfies Record<string, Reason>;

export type OrderReason = keyof typeof orderReasons;

export function isOrderReason(value: unknown): value is OrderReason {
  return typeof value === 'string' && Object.hasOwn(orderReasons, value);
}

/** The codes staff may choose for a step to `to` (all staff codes when `to` is not given). */
export function staffReasons(to?: OrderStatus): OrderReason[] {
  return (Object.keys(orderReasons) as OrderReason[]).filter((code) => orderReasons[code].staff && (to === undefined || (orderReasons[code].for as readonly string[]).includes(to)));
}

export function reasonExplains(code: OrderReason, to: OrderStatus): boolean {
  return (orderReasons[code].for as readonly string[]).includes(to);
}

/** The buyer's wording of a stored code ('' for none or an unknown code). */
export function reasonWording(code: string | null | undefined): string {
  return isOrderReason(code) ? orderReasons[code].wording : '';
}

/** The staff label of a stored code ('' for none). */
export function reasonLabel(code: string | null | undefined): string {
  return isOrderReason(code) ? orderReasons[code].label : '';
}
