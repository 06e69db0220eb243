// The public entry of the services module. Any other file here is internal (decision 0032).
export { servicesModule } from './module.ts';
export { seedDemoService } from './demo.ts';
