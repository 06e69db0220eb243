// The public entry of the subscriptions module. Any other file here is internal (decision 0032).
export { subscriptionsModule } from './module.ts';
export { RENEW_JOB, jobDeps } from './renewals.ts';
export { type RenewOptions, type RenewReport, renewDue, type SubscriptionChange, type SubscriptionChangeListener } from './subscriptions.ts';
