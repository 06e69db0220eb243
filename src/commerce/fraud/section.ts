// The part of an order's pages this module adds (an `orderPage` section, decision 0043): for the
// buyer, where their identity check stands and where to upload; for staff, that the order is held
// by the risk rules and that the privacy officer decides it.
import type { OrderPageSection } from '../orders/index.ts';
import { checkSection } from './pages.ts';
import { reviewOf } from './review.ts';

export const identitySection: OrderPageSection = async (db, order, context) => {
  const review = await reviewOf(db, order.id);
  if (!review || review.state === 'flagged') return null;
  return checkSection(review, context.reader, order.number);
};
