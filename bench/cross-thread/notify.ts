/**
 * Counting the sleeps and wake-ups of a stream, worker → main, instead of timing it.
 *
 * The notify scenario: how often a producer calls Atomics.notify when nobody sleeps. sabchan
 * notifies only when the other side announced a sleeper (src/shared/ring.ts), so on the
 * steady-state path the count should be 0: a notify costs a system call's worth of time, per
 * value. Steady state here: neither side ever has to wait. The ring (2^20 slots) holds a whole
 * iteration (1,024,000 values), so the producer never finds it full; the main thread calls
 * `getManySync` only when `length > 0`, so it never sleeps.
 *
 * The parks scenario: how often each side sleeps in the batch stream of the throughput
 * scenario. The main thread takes batches of 128 with `await getMany()` or `getManySync()`
 * from a ring of 4096, fed by `putManySync` of 128. A main-thread sleep is an
 * `Atomics.waitAsync` or `Atomics.wait`, and waking it costs the producer a notify; the
 * producer's sleeps (ring full) are its `Atomics.wait` calls. A run either has a handful of
 * sleeps or falls into a mode where each side's sleep makes the other sleep too (hundreds to
 * thousands per row, and 2-4x the time): the slow runs of the batch scenario.
 *
 * The counts on both sides are taken over the second of two iterations (the first warms up
 * the JIT and the spin budgets).
 */
import { sharedChan, type SharedChan } from '../../src/index.js';
import { verifyTally } from '../adapters/adapter.js';
import { countAtomics, type AtomicsCounts } from '../workers/count-atomics.js';
import type { NotifyCountReport, NotifyProducerData } from '../workers/notify-producer.js';
import { ProducerHost } from './host.js';
import { batches } from './sabchan-stream.js';
import { add, StallGuard } from './stream.js';

/** Whole batches of 128 (8,000 of them), and fewer than the steady-state ring's slots. */
const N = 1_024_000;
/** Main-thread drain size: large, so the consumer keeps up with either producer. */
const DRAIN = 4096;
const WORKER = new URL('../workers/notify-producer.ts', import.meta.url);

export interface NotifyRow {
  readonly key: string;
  readonly label: string;
  /** Values per iteration. */
  readonly n: number;
  /** Values per producer operation. */
  readonly batch: number;
  /**
   * The main thread busy-polls `length` and never sleeps, or takes batches of 128 with
   * `await getMany()` or `getManySync()`, sleeping whenever it finds the ring empty.
   */
  readonly consumer: 'busy-poll' | 'await' | 'sync';
  readonly capacity: number;
}

/** The steady state: the ring holds a whole iteration (N values, fewer than its slots). */
const STEADY = { n: N, consumer: 'busy-poll', capacity: 2 ** 20 } as const;

export const NOTIFY_ROWS: readonly NotifyRow[] = [
  { key: 'putSync', label: 'worker `putSync` per value', batch: 1, ...STEADY },
  { key: 'putManySync', label: 'worker `putManySync` of 128', batch: 128, ...STEADY },
];

/** The batch throughput scenario's stream: its ring, its batches, its 10,000,000 values. */
const BATCH_STREAM = { n: 10_000_000, batch: 128, capacity: 4096 } as const;

export const PARK_ROWS: readonly NotifyRow[] = [
  { key: 'await', label: 'main `await getMany()` of 128', consumer: 'await', ...BATCH_STREAM },
  { key: 'sync', label: 'main `getManySync()` of 128', consumer: 'sync', ...BATCH_STREAM },
];

export const NOTIFY_VALUES = N;
export const PARK_VALUES = BATCH_STREAM.n;

export type NotifyOutcome =
  | { kind: 'measured'; producer: AtomicsCounts; consumer: AtomicsCounts; ms: number }
  | { kind: 'failed'; error: string };

export async function measureNotify(row: NotifyRow): Promise<NotifyOutcome> {
  const host = new ProducerHost();
  const ch = sharedChan({ type: 'f64', capacity: row.capacity });
  try {
    const data: NotifyProducerData = { ctl: host.ctl, n: row.n, batch: row.batch, handle: ch.handle };
    await host.start(WORKER, data);
    await runIteration(row, host, ch); // warm-up
    return { kind: 'measured', ...(await runIteration(row, host, ch)) };
  } catch (err) {
    return { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
  } finally {
    host.requestStop();
    ch.close();
    await host.exited().catch(() => {}); // a worker error already failed the row
  }
}

async function runIteration(row: NotifyRow, host: ProducerHost, ch: SharedChan) {
  const report = host.nextMessage(isReport);
  report.catch(() => {}); // awaited below unless the drain throws first
  const counter = countAtomics(ch.handle.buffer);
  const started = performance.now();
  host.go();
  let tally;
  try {
    // The awaiting and blocking consumers are the batch scenario's own (./sabchan-stream.ts).
    tally = row.consumer === 'busy-poll' ? drain(row.label, ch, host.ctl, row.n) : await batches[row.consumer](ch, row.n, row.batch);
  } finally {
    counter.restore(); // before ack(): its notify is on the control words, but keep it clean
  }
  const ms = performance.now() - started;
  host.ack();
  verifyTally(row.label, tally, row.n);
  return { producer: (await report).producer, consumer: counter.snapshot(), ms };
}

/** Busy-polls `length` and drains only when something is there: this side never sleeps. */
function drain(label: string, ch: SharedChan, ctl: Int32Array, n: number) {
  const dst = new Float64Array(DRAIN);
  const tally = { count: 0, sum: 0 };
  const guard = new StallGuard(ctl);
  while (tally.count < n) {
    if (ch.length === 0) {
      guard.check(label, tally.count, n);
      continue;
    }
    add(tally, dst, ch.getManySync(dst));
  }
  return tally;
}

function isReport(msg: unknown): msg is NotifyCountReport {
  return typeof msg === 'object' && msg !== null && 'producer' in msg;
}
