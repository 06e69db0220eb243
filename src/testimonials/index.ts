// The public entry of the testimonials module. Any other file here is internal (decision 0032).
export { testimonialsModule } from './module.ts';

// Used only by the demo shop's seeding (src/demo/testimonials.ts).
export { addPublishedDemoEntry, COMPANY, FIRST_NAME, hasEntries, PURPOSE as TESTIMONIALS_PURPOSE, WORDS } from './entries.ts';
