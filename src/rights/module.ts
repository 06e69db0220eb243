// The rights module: what a person can see, take, correct and end of their data (the published
// policy, the privacy centre, export, correction, deactivation, deletion), the requests and
// complaints the privacy officer tracks, and the erasure flow that reaches every module's copy
// through the holders the composition root hands it (src/privacy/holders.ts).
import type { Module } from '../platform/module.ts';
import type { NamedHolder } from '../privacy/holders.ts';
import { rightsMigrations } from './migrations.ts';
import { rightsRoutes } from './routes.ts';

export interface RightsModuleOptions {
  /** Every module's personal-data holder, in module order (the kernel's first). */
  holders: () => readonly NamedHolder[];
}

export function makeRightsModule(options: RightsModuleOptions): Module {
  return {
    name: 'rights',
    migrations: rightsMigrations,
    routes: rightsRoutes(options),
  };
}
