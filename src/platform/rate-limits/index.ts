// The public entry of shared rate limits: the module (its counter is handed to the web app through
// the module contract). Any other file here is internal (decision 0032).
export { rateLimitsModule } from './module.ts';
