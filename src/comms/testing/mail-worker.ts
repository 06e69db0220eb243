// Test fixture, never imported by the shop: the real worker process (`runWorkerProcess`, what
// `npm run worker` runs) with the module that declares the comms tests' template.
import { runWorkerProcess } from '../../worker.ts';
import { welcomeModule } from './welcome-template.ts';

await runWorkerProcess([welcomeModule]);
