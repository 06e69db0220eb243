// The public entry of rights: its Module (for the composition root) and what the CLI's subject
// commands use. Any other file here is internal (decision 0032).
export { makeRightsModule, type RightsModuleOptions } from './module.ts';
export type { RightsDeps } from './deps.ts';
export { beginDeletion } from './erasure.ts';
export { buildExport } from './export.ts';
export { isOverdue, kindLabels, listRequests, recordDoneRequest, requestById } from './requests.ts';
export { type RequestChannel, requestChannels } from './tables.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { DEADLINES_JOB } from './deadlines.ts';
export { NEW_USES_JOB } from './new-uses.ts';
export { holderContext, holdersInErasureOrder } from './deps.ts';
export { ERASE_ACTOR } from './erasure.ts';
