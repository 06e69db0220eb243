// Test fixture, never imported by the shop: the real worker process (`runWorkerProcess`, what
// `npm run worker` runs) with the comms tests' template registered.
import { runWorkerProcess } from '../../worker.ts';
import './welcome-template.ts';

await runWorkerProcess();
