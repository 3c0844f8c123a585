/**
 * Producer worker: MessagePort, the built-in way. One postMessage per number, or per
 * Float64Array batch (structured-cloned, i.e. copied, not transferred: the producer reuses
 * its array, as a producer of a stream would without allocating one per batch).
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { serveIterations, signalReady } from './control.js';
import { checkShape, fillBatch, type StreamData } from './stream-data.js';

export interface PortStreamData extends StreamData {
  readonly port: MessagePort;
}

const { ctl, n, batch, port } = (workerData as { data: PortStreamData }).data;
checkShape(n, batch);

function postEach(): void {
  for (let v = 0; v < n; v++) port.postMessage(v);
}

const values = new Float64Array(batch);
function postBatches(): void {
  for (let base = 0; base < n; base += batch) {
    fillBatch(values, base);
    port.postMessage(values);
  }
}

signalReady();
// postMessage never blocks (the queue is unbounded), and the main thread's consumer is
// asynchronous, so its own stall timer covers this row.
serveIterations(ctl, batch === 1 ? postEach : postBatches, () => {});
port.close(); // an open port would keep this worker alive after STOP
