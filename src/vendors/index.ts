// The public entry of the vendors module: its Module. Any other file here is internal (decision 0032).
export { vendorsModule } from './module.ts';
