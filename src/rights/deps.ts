// What the rights flows need besides a database handle: the kernel, the settings, every module's
// personal-data holder, the clock and a logger. The web routes, the jobs and the CLI each build
// one from what they have.
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Wiring } from '../platform/module.ts';
import type { Actor, HolderContext, NamedHolder, PrivacyKernel } from '../privacy/index.ts';

export interface RightsDeps {
  kernel: PrivacyKernel;
  config: Config;
  holders: () => readonly NamedHolder[];
  now: () => Date;
  log: Logger;
  /** What the composition root collected from the modules (listeners, mail templates), for the holders. */
  wiring: Wiring;
}

export function holderContext(deps: RightsDeps, db: Db, actor: Actor): HolderContext {
  return { db, kernel: deps.kernel, config: deps.config, actor, now: deps.now(), log: deps.log, wiring: deps.wiring };
}

/**
 * The holders in the order a deletion runs them: from the last module to the first, so a module
 * is done before the ones it depends on (checkout's cancellations before the processor is asked
 * to forget; every module before the kernel, which shreds last).
 */
export function holdersInErasureOrder(deps: RightsDeps): NamedHolder[] {
  return [...deps.holders()].reverse();
}
