// The public entry of the storefront: its Module. Any other file here is internal (decision 0032).
export { storefrontModule } from './module.ts';
