// The public entry of fraud: its Module. Any other file here is internal (decision 0032).
export { fraudModule } from './module.ts';

// Used only by tests outside the module.
export { PURGE_JOB, purgeProofs } from './review.ts';
