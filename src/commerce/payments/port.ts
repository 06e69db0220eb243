// The port every payment processor adapter implements (sandbox, Stripe). The store never sees a
// card or account number: the buyer enters it on the processor's own page, and the store only
// ever gets back a token, the brand and the last four digits.
export type PaymentInstrument = 'card' | 'bank-account';
export interface StartPaymentRequest {
  paymentId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  instrument: PaymentInstrument;
  returnUrl: string;
  cancelUrl: string;
  customer: { name: string; email: string }; // already disclosed through the kernel
  idempotencyKey: string;
  /** What the buyer pays for, shown on the processor's page: the shop's name and the order number, never personal data. */
  description?: string;
  /** A plan is bought: keep the payment method for later off-session charges (Stripe: a Customer and setup_future_usage). */
  saveForLater?: boolean;
}

/** An off-session charge of a payment method the processor kept from an earlier payment (a subscription's renewal). */
export interface ChargeSavedRequest {
  paymentId: string;
  /** The payment method's token (`pm_…`), as the processor gave it at the first payment. */
  token: string;
  /** The processor's customer the method belongs to (Stripe); none for the sandbox. */
  customerRef?: string;
  amountMinor: number;
  currency: string;
  /** Required: the same key charges once, even when the caller died before recording the answer. */
  idempotencyKey: string;
  description?: string;
}
export interface StartedPayment {
  processorRef: string;
  redirectUrl: string;
}
export type PaymentStatus = 'open' | 'succeeded' | 'failed' | 'expired' | 'refunded';
export interface PaymentOutcome {
  processorRef: string;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  token?: string;
  last4?: string;
  brand?: string;
  failureCode?: string;
  /** The processor's customer holding the saved payment method (Stripe), when one was made. */
  customerRef?: string;
}
export interface PaymentEvent {
  processorRef: string;
  type: string;
}
export interface PaymentProcessor {
  readonly id: string; // 'sandbox' | 'stripe'
  start(request: StartPaymentRequest): Promise<StartedPayment>;
  retrieve(processorRef: string): Promise<PaymentOutcome>;
  cancel(processorRef: string, idempotencyKey: string): Promise<void>;
  refund(processorRef: string, amountMinor: number, idempotencyKey: string): Promise<PaymentOutcome>;
  /**
   * Charges a saved payment method without the buyer present. Answers `succeeded` or `failed` (a
   * decline is an outcome, not an error); the same idempotency key answers the same charge.
   */
  chargeSaved(request: ChargeSavedRequest): Promise<PaymentOutcome>;
  /**
   * Asks the processor to erase what it holds about the buyer of this payment (name, email, and
   * anything else that identifies them), keeping the payment record (amount, currency, status,
   * token, brand, last four, refunds). Idempotent; a ref the processor no longer knows is already
   * forgotten. Unreachable: PAYMENT_PROCESSOR_UNAVAILABLE (503), retry with the same key.
   */
  forget(processorRef: string, idempotencyKey: string): Promise<void>;
  /** Verifies the signature (throws AppError WEBHOOK_SIGNATURE_INVALID) and parses. */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): PaymentEvent;
}
