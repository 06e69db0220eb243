// The public entry of the surveys module. Any other file here is internal (decision 0032).
export { surveysModule } from './module.ts';
export { seedDemoSurvey } from './demo.ts';
