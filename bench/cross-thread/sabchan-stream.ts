/** Main-thread consumers of sabchan shared channels for the throughput scenarios. */
import type { Tally } from '../adapters/adapter.js';
import type { SabchanStreamData } from '../workers/stream-sabchan.js';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { add, type OpenStream } from './stream.js';

const WORKER = new URL('../workers/stream-sabchan.ts', import.meta.url);

/** How the main thread receives: the Promise forms or the blocking sync forms. */
export type ReceiveMode = 'await' | 'sync';

/**
 * `prefetch`: the main thread's `setPrefetch(n)` (0: off, the default). `spsc`: a
 * single-producer single-consumer channel (the worker puts, this thread gets).
 */
export function openSabchan(capacity: number, mode: ReceiveMode, prefetch = 0, spsc = false): OpenStream {
  return async (host, n, batch) => {
    const ch = sharedChan({ type: 'f64', capacity, spsc }).setPrefetch(prefetch);
    const data: SabchanStreamData = { ctl: host.ctl, n, batch, handle: ch.handle };
    await host.start(WORKER, data);
    const consume = batch === 1 ? singles[mode] : batches[mode];
    return { consume: (count) => consume(ch, count, batch), close: () => ch.close() };
  };
}

type Consume = (ch: SharedChan, n: number, batch: number) => Tally | Promise<Tally>;

// `undefined` / 0 mean closed and drained: stop, and let the tally check report the shortfall.
const singles: Record<ReceiveMode, Consume> = {
  async await(ch, n) {
    let count = 0;
    let sum = 0;
    while (count < n) {
      const v = await ch.get();
      if (v === undefined) break;
      count++;
      sum += v;
    }
    return { count, sum };
  },
  sync(ch, n) {
    let count = 0;
    let sum = 0;
    while (count < n) {
      const v = ch.getSync();
      if (v === undefined) break;
      count++;
      sum += v;
    }
    return { count, sum };
  },
};

/** Batch consumers, also used by the parks scenario (./notify.ts). */
export const batches: Record<ReceiveMode, Consume> = {
  async await(ch, n, batch) {
    const dst = new Float64Array(batch);
    const tally = { count: 0, sum: 0 };
    while (tally.count < n) {
      const k = await ch.getMany(dst);
      if (k === 0) break;
      add(tally, dst, k);
    }
    return tally;
  },
  sync(ch, n, batch) {
    const dst = new Float64Array(batch);
    const tally = { count: 0, sum: 0 };
    while (tally.count < n) {
      const k = ch.getManySync(dst);
      if (k === 0) break;
      add(tally, dst, k);
    }
    return tally;
  },
};
