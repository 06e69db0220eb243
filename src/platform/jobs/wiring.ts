// How a job reaches what the composition root collected from the modules (listeners, mail
// templates): the process that runs the worker hands it over as `ctx.services.wiring`.
import type { Wiring } from '../module.ts';
import type { JobContext } from './types.ts';

/** The wiring this worker was given; throws when the process forgot it. */
export function jobWiring(ctx: Pick<JobContext, 'services'>): Wiring {
  const wiring = ctx.services.wiring;
  if (!wiring) throw new Error("NO_WIRING: this worker was started without the modules' wiring (pass services.wiring to the Worker)");
  return wiring;
}
