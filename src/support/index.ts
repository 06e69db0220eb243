// The public entry of the support module. Any other file here is internal (decision 0032).
export { supportModule } from './module.ts';
