/**
 * Worker for the lifetime fixtures: after `delayMs`, puts `value` into the channel (or closes
 * it when `value` is null), then ends.
 */
import { workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../../src/index.js';

const { handle, delayMs, value } = workerData.data as { handle: SharedChanHandle; delayMs: number; value: number | null };
const ch = attach(handle);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
if (value === null) ch.close();
else ch.putSync(value, { timeout: 10_000 });
