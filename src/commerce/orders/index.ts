// The public entry of orders: its Module and the order API (api.ts) that checkout, payments and
// rights use. Any other file here is internal (decision 0032).
export {
  type Order,
  type OrderLine,
  type OrderPageSection,
  type OrderSectionContext,
  type OrderStatus,
  type OrdersDashboard,
  WAITING_STATUSES,
  type OrdersDeps,
  type RefundUnit,
  checkShipmentFields,
  type TransitionEvent,
  type TransitionListener,
  createOrder,
  getOrder,
  getOrderByNumber,
  linesOf,
  orderNumbers,
  ordersDashboard,
  ordersDeps,
  ordersOfCustomer,
  ordersPlacedSince,
  ordersByIds,
  orderSections,
  statusLabels,
  transitionOrder,
  type VendorOrderQuery,
  type VendorOrderRow,
  type VendorSalesRow,
  orderNumberSearch,
  personalText,
  vendorOrder,
  vendorOrders,
  vendorOrdersWithLines,
  vendorSales,
} from './api.ts';
export { ordersModule } from './module.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { type PricedCart, historyOf, orderRef } from './api.ts';
export { actorRefOf } from './deps.ts';
export { SHIPMENT_CATEGORY } from './mail.ts';
