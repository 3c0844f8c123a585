/**
 * Starts a worker thread running a TypeScript module (tests and benchmarks run from source).
 * The module reads its own data from `workerData.data`.
 */
import { Worker } from 'node:worker_threads';

const boot = new URL('./ts-worker-boot.mjs', import.meta.url);

/**
 * @param entry the module to run, e.g. `new URL('./producer.ts', import.meta.url)`.
 * @param data anything structured-cloneable (shared channel handles included).
 */
export function startTsWorker(entry: URL, data?: unknown, options: { transferList?: Transferable[] } = {}): Worker {
  return new Worker(boot, { workerData: { entry: entry.href, data }, transferList: options.transferList as never });
}

/** Resolves once the worker posts `{ ready: true }`; rejects on an uncaught error before that. */
export function readyOf(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }): void => {
      if (m.ready === true) {
        worker.off('message', onMessage);
        resolve();
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

/** Resolves with the worker's exit code; rejects on an uncaught error in the worker. */
export function exited(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
}
