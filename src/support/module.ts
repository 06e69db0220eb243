// The support module: the public support form, the account inbox, staff's answers by mail or
// phone, inbound mail, masking of card- and SSN-like numbers, and the retention of correspondence
// (decision 0058).
import type { Module } from '../platform/module.ts';
import { supportHolder } from './holder.ts';
import { supportTemplates } from './mail.ts';
import { supportMigrations } from './migrations.ts';
import { supportRoutes } from './routes.ts';
import { ticketsRetention } from './sweep.ts';

export const supportModule: Module = {
  name: 'support',
  migrations: supportMigrations,
  routes: supportRoutes,
  retention: [ticketsRetention],
  mailTemplates: [...supportTemplates],
  personalData: supportHolder,
};
