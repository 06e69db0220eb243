// What other modules use of orders (checkout, payments): import from here.
export { ordersDeps, orderRef, type OrdersDeps } from './deps.ts';
export type { PricedCart, PricedLine } from './priced.ts';
export { canTransition, nextStatuses, orderStatuses, statusLabels, type Fulfilment, type OrderStatus } from './states.ts';
export type { Order, OrderLine, OrderTransition } from './tables.ts';
export { createOrder, getOrder, getOrderByNumber, orderNumbers, ordersOfCustomer, linesOf, historyOf, type NewOrder } from './orders.ts';
export { transitionOrder, onOrderTransition, type TransitionEvent, type TransitionListener, type TransitionRequest } from './transitions.ts';
