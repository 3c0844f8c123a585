/**
 * Main-thread consumer of ringbuf.js for the throughput scenarios. ringbuf.js has no way to
 * wait for data, so the consumer busy-polls `pop`, as its users do outside an audio callback;
 * that blocks the event loop for the whole transfer, like sabchan's sync forms.
 */
import { RingBuffer } from 'ringbuf.js';
import type { RingbufStreamData } from '../workers/stream-ringbuf.js';
import { add, StallGuard, type OpenStream } from './stream.js';

const WORKER = new URL('../workers/stream-ringbuf.ts', import.meta.url);

export function openRingbuf(label: string, capacity: number): OpenStream {
  return async (host, n, batch) => {
    const storage = RingBuffer.getStorageForCapacity(capacity, Float64Array);
    const ring = new RingBuffer(storage, Float64Array);
    const data: RingbufStreamData = { ctl: host.ctl, n, batch, storage };
    await host.start(WORKER, data);
    const dst = new Float64Array(batch); // pop(dst) takes up to dst.length values
    return {
      consume(count) {
        const guard = new StallGuard(host.ctl);
        const tally = { count: 0, sum: 0 };
        while (tally.count < count) {
          const k = ring.pop(dst);
          if (k === 0) guard.check(label, tally.count, count);
          else add(tally, dst, k);
        }
        return tally;
      },
      close() {}, // nothing to close: the worker is terminated if it is still pushing
    };
  };
}
