/**
 * Producer worker of the select scenario: sends `offset`, `offset + 1`, …, `offset + n - 1`
 * per iteration with `putSync` into one shared channel. Several such workers with disjoint
 * ranges feed one consumer, which checks count and sum of 0..total-1.
 */
import { workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../src/index.js';
import { serveIterations, signalReady } from './control.js';
import type { StreamData } from './stream-data.js';

export interface RangeStreamData extends StreamData {
  readonly handle: SharedChanHandle;
  /** The first value this worker sends. */
  readonly offset: number;
}

const { ctl, n, handle, offset } = (workerData as { data: RangeStreamData }).data;
const ch = attach(handle);

signalReady();
serveIterations(
  ctl,
  () => {
    for (let v = offset; v < offset + n; v++) if (!ch.putSync(v)) return; // closed: teardown
  },
  () => ch.close(),
);
