// Cards other modules put on the staff console's dashboard (the security self-check's last run,
// say): each module declares its cards on its Module, the composition root collects them into
// `wiring.dashboardCards`, and the dashboard shows a role the cards of its roles, in module order.
// A card reads what it shows itself (one or two statements) and says null when it has nothing to show.
import type { Db } from '../platform/db/database.ts';
import type { StaffRole } from '../privacy/index.ts';
import type { SafeHtml } from '../web/template.ts';

export interface DashboardCard {
  /** `<module>.<what>`: the section's id on the page. */
  id: string;
  title: string;
  /** The roles whose dashboard shows it. */
  roles: readonly StaffRole[];
  render(db: Db, now: Date): Promise<SafeHtml | null>;
}

declare module '../platform/module.ts' {
  interface Module {
    /** Cards for the staff console's dashboard (src/accounts/dashboard-cards.ts). */
    dashboardCards?: readonly DashboardCard[];
  }
  interface Wiring {
    /** Every module's dashboard cards, in module order (missing in tests that need none). */
    dashboardCards?: readonly DashboardCard[];
  }
}

export const dashboardCardsOf = (modules: readonly { dashboardCards?: readonly DashboardCard[] }[]): DashboardCard[] => modules.flatMap((m) => m.dashboardCards ?? []);

export interface RenderedCard {
  id: string;
  title: string;
  body: SafeHtml;
}

/** The cards of `role`, read one after another (each is a statement or two; a dashboard has few). */
export async function cardsFor(cards: readonly DashboardCard[], db: Db, role: StaffRole, now: Date): Promise<RenderedCard[]> {
  const out: RenderedCard[] = [];
  for (const card of cards) {
    if (!card.roles.includes(role)) continue;
    const body = await card.render(db, now);
    if (body !== null) out.push({ id: card.id, title: card.title, body });
  }
  return out;
}
