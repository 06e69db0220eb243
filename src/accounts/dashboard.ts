// What the staff console's dashboard shows a role, decided by the data map's grants and the
// modules' own role rules (written in src/commerce/orders/CONTEXT.md): order counts to the roles
// that work with orders, revenue to roles granted the billing purpose (owner, accountant; not
// fulfilment or support), low stock to the roles that set stock (owner, fulfilment).
import { lowStock } from '../commerce/catalogue/index.ts';
import { ordersDashboard } from '../commerce/orders/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel, StaffRole } from '../privacy/index.ts';
import { cardsFor, type DashboardCard } from './dashboard-cards.ts';
import type { DashboardFigures } from './pages/dashboard.ts';

const ORDER_ROLES: readonly StaffRole[] = ['owner', 'fulfilment', 'support'];
const STOCK_ROLES: readonly StaffRole[] = ['owner', 'fulfilment'];
export const LOW_STOCK_THRESHOLD = 5;

export async function dashboardFor(kernel: PrivacyKernel, db: Db, role: StaffRole, now: Date, cards: readonly DashboardCard[] = []): Promise<DashboardFigures> {
  const revenue = kernel.map.roles.get(role)?.purposes.has('billing') === true;
  const figures: DashboardFigures = {};
  if (ORDER_ROLES.includes(role) || revenue) {
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    figures.orders = await ordersDashboard(db, midnight);
    figures.revenue = revenue;
    // The waiting counts lead to the orders list, which only the order roles open.
    figures.waiting = ORDER_ROLES.includes(role);
  }
  if (STOCK_ROLES.includes(role)) figures.lowStock = { threshold: LOW_STOCK_THRESHOLD, rows: await lowStock(db, LOW_STOCK_THRESHOLD) };
  const shown = await cardsFor(cards, db, role, now);
  if (shown.length) figures.cards = shown;
  return figures;
}
