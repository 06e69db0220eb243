// The fraud module: the owner's risk rules, judged at checkout; the hold of a matching order after
// payment and before delivery; the buyer's proof of identity, kept as kernel items; the privacy
// officer's decision; and the purge of proofs whose retention ended (decision 0047).
import { jobKernel } from '../../privacy/index.ts';
import type { Module } from '../../platform/module.ts';
import { fraudHolder } from './holder.ts';
import { proofReceivedTemplate, proofRequestTemplate } from './mail.ts';
import { fraudMigrations } from './migrations.ts';
import { flagOnPlaced, holdOnTransition, PURGE_JOB, purgeProofs } from './review.ts';
import { fraudRoutes } from './routes.ts';
import { identitySection } from './section.ts';

export const fraudModule: Module = {
  name: 'fraud',
  migrations: fraudMigrations,
  routes: fraudRoutes,
  jobs: {
    [PURGE_JOB]: async (_payload, ctx) => {
      const purged = await purgeProofs(jobKernel(ctx), ctx.db, new Date());
      if (purged > 0) ctx.log.info({ purged }, 'proofs of identity purged: their retention ended');
    },
  },
  schedules: [{ name: PURGE_JOB, job: PURGE_JOB, everySeconds: 3600 }],
  mailTemplates: [proofRequestTemplate, proofReceivedTemplate],
  personalData: fraudHolder,
  // Before delivery and vendors: a paid order it holds is on hold by the time their listeners run.
  listeners: { orderPlaced: [flagOnPlaced], orderTransition: [holdOnTransition], orderPage: [identitySection] },
};
