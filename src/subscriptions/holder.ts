// What the subscriptions module keeps about a person: their subscriptions (plan, status, periods)
// and the invoices of each period. The saved payment method is a kernel item (`user.payment` under
// `subscription:<id>`), exported and erased with the rest of the person's kernel data. Erasure
// cancels every running subscription (nothing is charged after it) and unlinks the rows.
import type { PersonalDataHolder } from '../privacy/index.ts';
import { forgetSubscriber, invoicesOf, subscriptionsOf } from './subscriptions.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const subscriptionsHolder: PersonalDataHolder = {
  tables: ['subscriptions_subscriptions', 'subscriptions_invoices'],
  async export({ db }, subject) {
    const subscriptions = await subscriptionsOf(db, subject);
    if (subscriptions.length === 0) return [];
    const invoices = (await Promise.all(subscriptions.map((s) => invoicesOf(db, s.id)))).flat();
    return [
      {
        id: 'subscriptions',
        title: 'Subscriptions',
        description: 'The plans you subscribed to, their status and current period. The card they are charged to is listed with your payment references.',
        records: subscriptions.map((s) => ({
          id: s.id,
          plan: s.name,
          sku: s.sku,
          period: s.period,
          amount_minor: s.amount_minor,
          currency: s.currency,
          status: s.status,
          cancelled_by_you: s.cancel_at_period_end,
          current_period_start: iso(s.current_period_start),
          current_period_end: iso(s.current_period_end),
          started_at: iso(s.created_at),
          ended_at: iso(s.ended_at),
        })),
      },
      {
        id: 'subscription-invoices',
        title: 'Subscription invoices',
        description: 'One invoice per period of each subscription, with what was charged and whether it was paid.',
        records: invoices.map((i) => ({
          id: i.id,
          subscription: i.subscription_id,
          period_start: iso(i.period_start),
          period_end: iso(i.period_end),
          amount_minor: i.amount_minor,
          currency: i.currency,
          status: i.status,
          paid_at: iso(i.paid_at),
        })),
      },
    ];
  },
  async erase({ db }, subject) {
    await forgetSubscriber(db, subject);
  },
};
