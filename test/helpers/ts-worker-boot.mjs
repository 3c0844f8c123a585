// Worker entry that lets a worker thread run a TypeScript module: registers tsx's ESM loader
// in this thread, then imports the module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
