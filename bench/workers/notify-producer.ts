/**
 * Producer worker of the notify-count scenario: the sabchan producer of the throughput
 * scenarios, with its Atomics.notify/wait calls on the channel counted per iteration and
 * posted to the main thread after each one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../src/index.js';
import { serveIterations, signalReady } from './control.js';
import { countAtomics, type AtomicsCounts } from './count-atomics.js';
import { checkShape, fillBatch, type StreamData } from './stream-data.js';

export interface NotifyProducerData extends StreamData {
  readonly handle: SharedChanHandle;
}

/** Posted after every iteration. */
export interface NotifyCountReport {
  readonly producer: AtomicsCounts;
}

const { ctl, n, batch, handle } = (workerData as { data: NotifyProducerData }).data;
checkShape(n, batch);
const ch = attach(handle);
const counter = countAtomics(handle.buffer);
const values = new Float64Array(batch);

function iteration(): void {
  counter.reset();
  if (batch === 1) {
    for (let v = 0; v < n; v++) if (!ch.putSync(v)) break;
  } else {
    for (let base = 0; base < n; base += batch) {
      fillBatch(values, base);
      if (ch.putManySync(values) < batch) break;
    }
  }
  const report: NotifyCountReport = { producer: counter.snapshot() };
  parentPort!.postMessage(report);
}

signalReady();
serveIterations(ctl, iteration, () => ch.close());
