// The surveys module: staff's voluntary surveys, invitations to customers who turned surveys on,
// answers as the respondent's kernel data, an identity-free service report, and an intermediary
// that receives only the declared fields, ledgered (P004-17, decision 0059).
import type { Module } from '../platform/module.ts';
import { surveysHolder } from './holder.ts';
import { invitePage } from './invite.ts';
import { invitationMail } from './mail.ts';
import { surveysMigrations } from './migrations.ts';
import { surveysRoutes } from './routes.ts';
import { INVITE_JOB } from './surveys.ts';

export const surveysModule: Module = {
  name: 'surveys',
  migrations: surveysMigrations,
  routes: surveysRoutes,
  jobs: { [INVITE_JOB]: (payload, ctx) => invitePage(payload, ctx) },
  mailTemplates: [invitationMail],
  personalData: surveysHolder,
};
