// The public entry of idempotency keys: withIdempotency and its checks, the module.
// Any other file here is internal (decision 0032).
export { type IdempotentResult, checkIdempotencyKey, fingerprint, ownedKeyId, withIdempotency } from './idempotency.ts';
export { idempotencyModule } from './module.ts';
