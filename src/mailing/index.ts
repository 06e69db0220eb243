// The public entry of the mailing module. Any other file here is internal (decision 0032).
export { mailingModule } from './module.ts';
