// The public entry of the testimonials module. Any other file here is internal (decision 0032).
export { testimonialsModule } from './module.ts';
