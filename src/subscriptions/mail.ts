// The subscriptions module's mails, under `billing`, to the address of the order that bought the
// plan: a renewal paid, a renewal that failed (with the link to pay with another card), and a
// subscription suspended after its last retry. Amounts, dates and links only: nothing personal.
import { paragraphTemplate, param as p } from '../comms/index.ts';

export const paidMail = paragraphTemplate(
  'subscriptions.paid',
  ['plan', 'amount', 'periodStart', 'periodEnd', 'link'],
  (i) => `Payment received: ${p(i, 'plan')}`,
  (i) => [
    'Hello,',
    `We received ${p(i, 'amount')} for ${p(i, 'plan')}, for the period from ${p(i, 'periodStart')} to ${p(i, 'periodEnd')}. Thank you.`,
    `Your invoices and the next charge are in your account: ${p(i, 'link')}`,
  ],
  'Subscription payment received',
);

export const failedMail = paragraphTemplate(
  'subscriptions.failed',
  ['plan', 'amount', 'retryOn', 'link'],
  (i) => `We could not charge your card for ${p(i, 'plan')}`,
  (i) => [
    'Hello,',
    `Your card was declined when we tried to charge ${p(i, 'amount')} for ${p(i, 'plan')}. We will try again on ${p(i, 'retryOn')}.`,
    `To pay now with another card, open your subscription and choose "Pay now": ${p(i, 'link')}`,
  ],
  'Subscription payment failed',
);

export const suspendedMail = paragraphTemplate(
  'subscriptions.suspended',
  ['plan', 'amount', 'link'],
  (i) => `Your subscription is suspended: ${p(i, 'plan')}`,
  (i) => [
    'Hello,',
    `We could not charge ${p(i, 'amount')} for ${p(i, 'plan')} after several tries, so the service is suspended. Nothing more will be charged.`,
    `Pay the open invoice with another card to resume it at once: ${p(i, 'link')}`,
  ],
  'Subscription suspended',
);

export const subscriptionMails = [paidMail, failedMail, suspendedMail];
