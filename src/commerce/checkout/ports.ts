// What checkout uses of the other modules, as one set of functions (wired in wiring.ts). The flow
// depends on these shapes only, so each step can be read here and each module's own tests prove
// its part.
import type { OrderPlacedEvent } from './placed.ts';
import type { FastifyRequest } from 'fastify';
import type { SafeHtml } from '../../web/template.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../../privacy/index.ts';
import type { PricedCart } from '../pricing/index.ts';

export interface CartLineRef {
  variantId: string;
  quantity: number;
}

export interface CheckoutCart {
  cartId: string;
  lines: CartLineRef[];
}

export interface OrderRef {
  id: string;
  number: string;
  status: string;
  /** null once the buyer was erased. */
  customer_subject: string | null;
  total_minor: number;
  currency: string;
  fulfilment: string;
  payment_method: string;
}

export interface Settlement {
  paymentId: string;
  orderId: string;
  status: 'open' | 'succeeded' | 'failed' | 'expired' | 'refunded';
  last4?: string;
}

export interface CheckoutPorts extends PaymentsPort {
  cartOfRequest(request: FastifyRequest): Promise<CheckoutCart | null>;
  /** True when the request carries no cart cookie at all (cookies may be off, P003-21). */
  hasCartCookie(request: FastifyRequest): boolean;
  /** The cart cookie's value (what an idempotency key belongs to), or null without one. */
  cartToken(request: FastifyRequest): string | null;
  clearCart(db: Db, cartId: string): Promise<void>;
  priceLines(db: Db, lines: readonly CartLineRef[], options: { shipTo: boolean }): Promise<PricedCart>;
  reserveStock(db: Db, lines: readonly CartLineRef[]): Promise<void>;
  releaseStock(db: Db, lines: readonly CartLineRef[]): Promise<void>;
  customerForCheckout(db: Db, input: { name: string; email: string; age: 'adult' | 'parental-consent'; ip: string }): Promise<{ subject: string; userId: string; created: boolean }>;
  /** Consent at the point of collection (accounts): the unticked boxes, the purposes ticked in a body, recorded as the person's own grants. */
  consents: ConsentOffer;
  /** A keyed digest of the network `ip` is in (accounts' key): what unpaid holds are counted by, never the address. */
  sourceOf(ip: string): Buffer;
  /** The signed-in customer of this request, if any. */
  signedInCustomer(request: FastifyRequest): Promise<{ subject: string; userId: string; actor: Actor } | null>;
  /** The signed-in customer's saved name, email and latest addresses as form values (prefill.ts). */
  prefill(db: Db, customer: { subject: string; actor: Actor }): Promise<Record<string, string>>;
  createOrder(
    db: Db,
    input: { id: string; customerSubject: string; customerUserId: string | null; priced: PricedCart; paymentMethod: string; fulfilment: 'ship' | 'digital'; actor: Actor },
  ): Promise<OrderRef>;
  transitionOrder(db: Db, input: { orderId: string; to: string; actor: Actor; reason?: string }): Promise<unknown>;
  getOrder(db: Db, orderId: string): Promise<OrderRef | null>;
  orderLines(db: Db, orderId: string): Promise<CartLineRef[]>;
  /** Tells the modules' `orderPlaced` listeners (placed.ts); optional for test ports. */
  orderPlaced?(db: Db, event: OrderPlacedEvent): Promise<void>;
}

/** The part of the payments module checkout calls (`app.payments`). */
export interface PaymentsPort {
  startPayment(
    db: Db,
    input: {
      orderId: string;
      subject: string;
      amountMinor: number;
      currency: string;
      instrument: 'card' | 'bank-account';
      idempotencyKey: string;
      actor: Actor;
      description?: string;
      saveForLater?: boolean;
    },
  ): Promise<{ paymentId: string; redirectUrl: string }>;
  settlePayment(db: Db, paymentId: string): Promise<Settlement>;
  cancelPayment(db: Db, paymentId: string): Promise<void>;
}

/** What the settlement listener and the expiry job need; a worker without the web app builds these from its services (jobs.ts). */
export type SettlementPorts = Pick<CheckoutPorts, 'transitionOrder' | 'clearCart' | 'releaseStock' | 'orderLines' | 'settlePayment' | 'cancelPayment'>;

/** The optional consents offered with the form (P003-09); fields `consent_<purpose>` = `yes`. */
export interface ConsentOffer {
  fieldNames: readonly string[];
  boxes(values: Readonly<Record<string, string>>): SafeHtml | '';
  /** The purposes ticked in a body; a box for a purpose not offered is a 400 naming it. */
  ticked(body: unknown): string[];
  record(db: Db, subject: string, purposes: readonly string[]): Promise<void>;
}
