// The public entry of fraud: its Module. Any other file here is internal (decision 0032).
export { fraudModule } from './module.ts';
