// The order API other modules use (checkout, payments, rights); the entry, index.ts, offers it.
export { ordersDeps, orderRef, type OrdersDeps } from './deps.ts';
export type { PricedCart, PricedLine } from './priced.ts';
export { canTransition, nextStatuses, orderStatuses, statusLabels, type Fulfilment, type OrderStatus } from './states.ts';
export type { Order, OrderLine, OrderTransition } from './tables.ts';
export { createOrder, getOrder, getOrderByNumber, orderNumbers, ordersOfCustomer, ordersPlacedSince, ordersByIds, linesOf, historyOf, type NewOrder } from './orders.ts';
export { checkShipmentFields, type RefundUnit, transitionOrder, type TransitionEvent, type TransitionListener, type TransitionRequest } from './transitions.ts';
export { type OrdersDashboard, WAITING_STATUSES, ordersDashboard } from './dashboard.ts';
export { type VendorOrderQuery, type VendorOrderRow, type VendorSalesRow, orderNumberSearch, vendorOrder, vendorOrders, vendorOrdersWithLines, vendorSales } from './vendor-reads.ts';
export { personalText } from './reads.ts';
export { type OrderPageSection, type OrderSectionContext, orderSections } from './sections.ts';
