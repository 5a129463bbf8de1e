// Dev/test bootstrap for the engine worker: registers tsx in this worker thread, then imports the
// TypeScript entry named in workerData.entry. Production uses a bundled worker file instead.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
