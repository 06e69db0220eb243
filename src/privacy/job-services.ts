// How background jobs reach the privacy kernel. The process that runs a worker (`npm start` through
// server.ts, `npm run worker` through worker.ts) starts the kernel once and hands it to every job
// as `ctx.services.privacy`; a job that reads personal data (sending mail reads the address) asks
// for it here. There is no module-level "current kernel": two shops in one process (the tests run
// PGlite and PostgreSQL side by side) each hand their own.
import type { JobContext } from '../platform/jobs/index.ts';
import type { PrivacyKernel } from './kernel.ts';

declare module '../platform/jobs/types.ts' {
  interface JobServices {
    /** The privacy kernel started by this process. */
    privacy?: PrivacyKernel;
  }
}

/** The kernel this worker was given; throws when the process wiring forgot it. */
export function jobKernel(ctx: Pick<JobContext, 'services'>): PrivacyKernel {
  const kernel = ctx.services.privacy;
  if (!kernel) throw new Error('NO_PRIVACY_KERNEL: this worker was started without the privacy kernel (pass services.privacy to the Worker)');
  return kernel;
}
