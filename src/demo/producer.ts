/**
 * Demo worker: streams `count` numbers to the main thread, either through a shared channel
 * (batches of 128 with putManySync) or one postMessage per number, then signals the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../index.js';

const { mode, count, handle } = workerData.data as { mode: 'channel' | 'postMessage'; count: number; handle?: SharedChanHandle };

if (mode === 'channel') {
  const ch = attach(handle!);
  const batch = new Float64Array(128);
  for (let i = 0; i < count; i += batch.length) {
    const n = Math.min(batch.length, count - i);
    for (let j = 0; j < n; j++) batch[j] = i + j;
    ch.putManySync(n === batch.length ? batch : batch.subarray(0, n));
  }
  ch.close();
} else {
  for (let i = 0; i < count; i++) parentPort!.postMessage(i);
  parentPort!.postMessage('end');
}
