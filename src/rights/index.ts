// What the rights module offers other code: its Module (for the composition root).
export { makeRightsModule, type RightsModuleOptions } from './module.ts';
