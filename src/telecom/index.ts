// The public entry of the telecom module. Any other file here is internal (decision 0032).
export { telecomModule } from './module.ts';
export { ingestUsage, INGEST_JOB } from './ingest.ts';
export { insertLine, lineRef, makeNetworkKey, PHONE } from './lines.ts';
export { readStatement } from './statement.ts';
export { CPNI, type UsageInput } from './usage.ts';
