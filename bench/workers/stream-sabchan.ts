/** Producer worker: sabchan `putSync` per value, or `putManySync` per batch. */
import { workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../src/index.js';
import { serveIterations, signalReady } from './control.js';
import { checkShape, fillBatch, type StreamData } from './stream-data.js';

export interface SabchanStreamData extends StreamData {
  readonly handle: SharedChanHandle;
}

const { ctl, n, batch, handle } = (workerData as { data: SabchanStreamData }).data;
checkShape(n, batch);
const ch = attach(handle);

function putEach(): void {
  // putSync returns false once the channel is closed (teardown or the stall watchdog).
  for (let v = 0; v < n; v++) if (!ch.putSync(v)) return;
}

const values = new Float64Array(batch);
function putBatches(): void {
  for (let base = 0; base < n; base += batch) {
    fillBatch(values, base);
    if (ch.putManySync(values) < batch) return; // closed part-way
  }
}

signalReady();
// On a stall or an error the main thread may be blocked in getSync: closing the channel wakes it.
serveIterations(ctl, batch === 1 ? putEach : putBatches, () => ch.close());
