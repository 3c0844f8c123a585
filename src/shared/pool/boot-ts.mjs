// Runs ./worker.ts in a worker thread when the library runs from its TypeScript source (tests,
// benchmarks, `tsx`): Node cannot load .ts in a worker without a loader, so this registers
// tsx (a devDependency) first. The built package never uses this file: pool.ts starts
// dist/shared/pool/worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
