// The public entry of the analytics module. Any other file here is internal (decision 0032).
export { analyticsModule } from './module.ts';

// What is counted, for the policy's "Site use statistics" section (src/rights/policy).
export { ANALYTICS_EVENTS, BROWSERS, PLATFORMS } from './events.ts';
export { ROLLUP_JOB } from './rollup.ts';
