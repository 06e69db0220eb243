// What the cart helper's `priceLines` (src/commerce/pricing) returns, as orders needs it: the
// priced lines and totals an order is made from. Declared here so orders does not depend on pricing.
export interface PricedLine {
  variantId: string;
  productId: string;
  vendorId: string;
  sku: string;
  name: string;
  kind: string;
  quantity: number;
  unitMinor: number;
  totalMinor: number;
}

export interface PricedCart {
  currency: string;
  lines: PricedLine[];
  subtotalMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  needsShipping: boolean;
}
