// The first text of each page, written for the demo shop: it promises only what the software
// does. The owner rewrites them at /staff/pages.
export const PAGE_SLUGS = ['terms', 'shipping', 'returns', 'contact'] as const;
export type PageSlug = (typeof PAGE_SLUGS)[number];

export const firstTexts: Record<PageSlug, { title: string; body: string }> = {
  terms: {
    title: 'Terms of sale',
    body: `This is a demonstration shop running Custodian. Nothing bought here is delivered and no real money is taken: payments go to a sandbox processor.

Products are sold by independent vendors through this shop. The product page names the vendor, the price of each option and whether it is in stock.

The cart shows the price of each item, the shipping, the tax and the total before you pay.

How we handle your personal data is set out in the privacy policy at /privacy.`,
  },
  shipping: {
    title: 'Shipping',
    body: `Only physical products are shipped. Digital products (licences, downloads) and services need no shipping address and cost nothing to ship.

Physical items are shipped to the address you give at checkout. This demonstration shop ships nothing: its orders exist only to show how the shop works.`,
  },
  returns: {
    title: 'Returns and refunds',
    body: `This demonstration shop ships nothing, so there is nothing to return.

In a shop run on Custodian, staff can cancel an order and refund what was paid to the payment method used. Your account lists your orders and their status.`,
  },
  contact: {
    title: 'Contact',
    body: `This is a demonstration shop: nobody reads mail sent to it, and there is no phone line.

Questions about your personal data: see the privacy policy at /privacy and the privacy centre under Your account.`,
  },
};
