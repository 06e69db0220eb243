// The order state machine, pure: which status may follow which. An order on hold goes back to the
// status it was held from; digital orders (delivered by licence) may be completed straight from paid.
export const orderStatuses = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'on_hold', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const fulfilments = ['ship', 'digital'] as const;
export type Fulfilment = (typeof fulfilments)[number];

export function isOrderStatus(value: string): value is OrderStatus {
  return (orderStatuses as readonly string[]).includes(value);
}

const forward: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'on_hold', 'cancelled'],
  paid: ['fulfilling', 'on_hold', 'cancelled', 'refunded', 'completed'],
  fulfilling: ['shipped', 'completed', 'cancelled', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['completed', 'refunded'],
  completed: ['refunded'],
  on_hold: ['pending_payment', 'paid', 'cancelled'],
  cancelled: [],
  refunded: [],
};

/**
 * May an order of this fulfilment go from `from` to `to`? `heldFrom` is the status an order on
 * hold was held from: releasing it may only go back there (unknown: either of the two).
 */
export function canTransition(from: OrderStatus, to: OrderStatus, fulfilment: Fulfilment, heldFrom?: OrderStatus | null): boolean {
  if (!forward[from].includes(to)) return false;
  if (fulfilment === 'digital' && (to === 'shipped' || to === 'delivered')) return false;
  // Goods are completed only once delivered; licences once paid (or after manual fulfilment).
  if (fulfilment === 'ship' && to === 'completed' && from !== 'delivered') return false;
  if (from === 'on_hold' && to !== 'cancelled' && heldFrom && heldFrom !== to) return false;
  return true;
}

/** The statuses an order may move to next. */
export function nextStatuses(from: OrderStatus, fulfilment: Fulfilment, heldFrom?: OrderStatus | null): OrderStatus[] {
  return orderStatuses.filter((to) => canTransition(from, to, fulfilment, heldFrom));
}

export const statusLabels: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  fulfilling: 'Being prepared',
  shipped: 'Shipped',
  delivered: 'Delivered',
  completed: 'Completed',
  on_hold: 'On hold',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

/** Whether the buyer has paid for an order in this status (so cancelling it gives money back). */
export function isPaid(order: { status: OrderStatus; held_from: OrderStatus | null }): boolean {
  return order.status !== 'pending_payment' && !(order.status === 'on_hold' && order.held_from === 'pending_payment');
}
