// The public entry of the quotes module. Any other file here is internal (decision 0032).
export { quotesModule } from './module.ts';
export { seedDemoQuote } from './demo.ts';
