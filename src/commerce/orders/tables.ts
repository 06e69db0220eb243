// Row types of the orders module's tables. Business data only: ids, amounts, statuses, times.
// The buyer is a pseudonymous kernel subject; names, addresses and tracking numbers are kernel
// items under ref `order:<id>`.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Fulfilment, OrderStatus } from './states.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrderTable {
  id: string;
  /** Customer-facing number, e.g. C-100042, from the sequence orders_number_seq. */
  number: string;
  /** The buyer (a kernel subject); null once the buyer was erased and the order unlinked. */
  customer_subject: string | null;
  customer_user_id: string | null;
  status: OrderStatus;
  /** The status an order on hold returns to when released. */
  held_from: OrderStatus | null;
  payment_method: string;
  fulfilment: Fulfilment;
  currency: string;
  subtotal_minor: number;
  shipping_minor: number;
  tax_minor: number;
  total_minor: number;
  /** What was refunded so far (a refund or a cancellation after payment). */
  refunded_minor: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderLineTable {
  order_id: string;
  position: number;
  variant_id: string;
  product_id: string;
  vendor_id: string;
  sku: string;
  name: string;
  kind: string;
  quantity: number;
  unit_minor: number;
  total_minor: number;
}

export interface OrderTransitionTable {
  id: string;
  /** Orders the history when two changes share a timestamp. */
  seq: Generated<string>;
  order_id: string;
  /** null: the order was created. */
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  at: Timestamp;
  /** Pseudonymous: `staff:<id>`, `system:<job>`, `self`, `vendor:<id>`. */
  actor_ref: string;
  reason: string | null;
  /** The amount a cancellation or refund gives back, in minor units. */
  amount_minor: number | null;
}

export interface OrdersTables {
  orders: OrderTable;
  orders_lines: OrderLineTable;
  orders_transitions: OrderTransitionTable;
}

export type Order = Selectable<OrderTable>;
export type OrderLine = Selectable<OrderLineTable>;
export type OrderTransition = Selectable<OrderTransitionTable>;
