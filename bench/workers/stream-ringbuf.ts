/**
 * Producer worker: ringbuf.js, the SPSC ring most used on SharedArrayBuffer. It has no
 * blocking or wake-up of its own, so the producer retries a push while the ring is full,
 * as its users do.
 */
import { workerData } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { serveIterations, signalReady } from './control.js';
import { checkShape, fillBatch, type StreamData } from './stream-data.js';

export interface RingbufStreamData extends StreamData {
  readonly storage: SharedArrayBuffer;
}

const { ctl, n, batch, storage } = (workerData as { data: RingbufStreamData }).data;
checkShape(n, batch);
const ring = new RingBuffer(storage, Float64Array);

const one = new Float64Array(1);
function pushEach(): void {
  for (let v = 0; v < n; v++) {
    one[0] = v;
    while (ring.push(one) === 0) {} // full: spin until the consumer frees a slot
  }
}

const values = new Float64Array(batch);
function pushBatches(): void {
  for (let base = 0; base < n; base += batch) {
    fillBatch(values, base);
    // push writes what fits and returns that count: push the rest from where it stopped.
    for (let done = 0; done < batch; ) done += ring.push(values, batch - done, done);
  }
}

signalReady();
// Nothing to release: the main thread's polling loop has its own deadline.
serveIterations(ctl, batch === 1 ? pushEach : pushBatches, () => {});
