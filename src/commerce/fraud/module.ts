// The fraud module: the owner's risk rules, judged at checkout; the hold of a matching order after
// payment and before delivery; the buyer's proof of identity, kept as kernel items; the privacy
// officer's decision; and the proofs whose retention ends, declared to the kernel's retention engine (decisions 0047, 0065).
import type { Module } from '../../platform/module.ts';
import { fraudHolder } from './holder.ts';
import { proofReceivedTemplate, proofRequestTemplate } from './mail.ts';
import { fraudMigrations } from './migrations.ts';
import { flagOnPlaced, holdOnTransition, proofsRetention } from './review.ts';
import { fraudRoutes } from './routes.ts';
import { identitySection } from './section.ts';

export const fraudModule: Module = {
  name: 'fraud',
  migrations: fraudMigrations,
  routes: fraudRoutes,
  retention: [proofsRetention],
  mailTemplates: [proofRequestTemplate, proofReceivedTemplate],
  personalData: fraudHolder,
  // Before delivery and vendors: a paid order it holds is on hold by the time their listeners run.
  listeners: { orderPlaced: [flagOnPlaced], orderTransition: [holdOnTransition], orderPage: [identitySection] },
};
