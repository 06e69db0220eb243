// The mailing module: the mailing list (double opt-in), campaigns under a consent or opt-out
// purpose, and unsubscribing with one click (decision 0050).
import type { Module } from '../platform/module.ts';
import { CAMPAIGN_JOB, fanOut } from './campaigns.ts';
import { mailingHolder } from './holder.ts';
import { unconfirmedRetention } from './members.ts';
import { campaignMail, confirmMail, offerReminderMail, policyChangeMail } from './mail.ts';
import { REMINDER_JOB, remindOfferRecipients } from './reminders.ts';
import { announcePolicyChanges, POLICY_CHANGE_JOB } from './policy-change.ts';
import { mailingMigrations } from './migrations.ts';
import { mailingRoutes } from './routes.ts';

export const mailingModule: Module = {
  name: 'mailing',
  migrations: mailingMigrations,
  routes: mailingRoutes,
  jobs: {
    [CAMPAIGN_JOB]: (payload, ctx) => fanOut(payload, ctx),
    [POLICY_CHANGE_JOB]: (_payload, ctx) => announcePolicyChanges(ctx, new Date()),
    [REMINDER_JOB]: async (_payload, ctx) => {
      await remindOfferRecipients(ctx, new Date());
    },
  },
  schedules: [
    { name: POLICY_CHANGE_JOB, job: POLICY_CHANGE_JOB, everySeconds: 3600 },
    { name: REMINDER_JOB, job: REMINDER_JOB, everySeconds: 86_400 },
  ],
  mailTemplates: [confirmMail, campaignMail, policyChangeMail, offerReminderMail],
  personalData: mailingHolder,
  retention: [unconfirmedRetention],
};
