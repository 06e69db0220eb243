// The public entry of the content module: its Module. Any other file here is internal (decision 0032).
export { contentModule } from './module.ts';
