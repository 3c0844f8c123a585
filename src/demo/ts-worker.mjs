// Lets a worker thread of the demo run a TypeScript module (the demo runs from source with
// tsx): registers tsx's loader in this thread, then imports workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
