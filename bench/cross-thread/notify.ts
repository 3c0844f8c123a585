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
 * The parks scenario: how often an awaiting consumer parks. The main thread takes batches of
 * 128 with `await getMany()` from a ring of 4096, fed by `putManySync` of 128; each park is an
 * `Atomics.waitAsync` on the main thread, and waking it a notify in the producer. With the
 * default spin a `getMany` that finds the ring empty re-tries for a few µs first (wait.ts
 * ASYNC_SPIN); the `setSpin(0)` row parks at once, for comparison.
 *
 * The counts on both sides are taken over the second of two iterations (the first warms up
 * the JIT and the spin budgets).
 */
import { sharedChan, type SharedChan } from '../../src/index.js';
import { verifyTally } from '../adapters/adapter.js';
import { countAtomics, type AtomicsCounts } from '../workers/count-atomics.js';
import type { NotifyCountReport, NotifyProducerData } from '../workers/notify-producer.js';
import { ProducerHost } from './host.js';
import { add, StallGuard } from './stream.js';

/** Whole batches of 128 (8,000 of them), and fewer than the steady-state ring's slots. */
const N = 1_024_000;
/** Main-thread drain size: large, so the consumer keeps up with either producer. */
const DRAIN = 4096;
const WORKER = new URL('../workers/notify-producer.ts', import.meta.url);

export interface NotifyRow {
  readonly key: string;
  readonly label: string;
  /** Values per producer operation. */
  readonly batch: number;
  /** The main thread busy-polls `length` and never sleeps, or awaits `getMany` of 128. */
  readonly consumer: 'busy-poll' | 'await';
  readonly capacity: number;
  /** The main thread's `setSpin`. */
  readonly spin: number | 'adaptive';
}

const STEADY = { consumer: 'busy-poll', capacity: 2 ** 20, spin: 'adaptive' } as const;

export const NOTIFY_ROWS: readonly NotifyRow[] = [
  { key: 'putSync', label: 'worker `putSync` per value', batch: 1, ...STEADY },
  { key: 'putManySync', label: 'worker `putManySync` of 128', batch: 128, ...STEADY },
];

const AWAITING = { batch: 128, consumer: 'await', capacity: 4096 } as const;

export const PARK_ROWS: readonly NotifyRow[] = [
  { key: 'await-spin', label: 'main `await getMany()` of 128, default spin', spin: 'adaptive', ...AWAITING },
  { key: 'await-nospin', label: 'main `await getMany()` of 128, `setSpin(0)`', spin: 0, ...AWAITING },
];

export const NOTIFY_VALUES = N;

export type NotifyOutcome =
  | { kind: 'measured'; producer: AtomicsCounts; consumer: AtomicsCounts; ms: number }
  | { kind: 'failed'; error: string };

export async function measureNotify(row: NotifyRow): Promise<NotifyOutcome> {
  const host = new ProducerHost();
  const ch = sharedChan({ type: 'f64', capacity: row.capacity }).setSpin(row.spin);
  try {
    const data: NotifyProducerData = { ctl: host.ctl, n: N, batch: row.batch, handle: ch.handle };
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
    tally = row.consumer === 'await' ? await drainAwaiting(ch) : drain(row.label, ch, host.ctl);
  } finally {
    counter.restore(); // before ack(): its notify is on the control words, but keep it clean
  }
  const ms = performance.now() - started;
  host.ack();
  verifyTally(row.label, tally, N);
  return { producer: (await report).producer, consumer: counter.snapshot(), ms };
}

/** Busy-polls `length` and drains only when something is there: this side never sleeps. */
function drain(label: string, ch: SharedChan, ctl: Int32Array) {
  const dst = new Float64Array(DRAIN);
  const tally = { count: 0, sum: 0 };
  const guard = new StallGuard(ctl);
  while (tally.count < N) {
    if (ch.length === 0) {
      guard.check(label, tally.count, N);
      continue;
    }
    add(tally, dst, ch.getManySync(dst));
  }
  return tally;
}

/** `await getMany` of 128 until all arrived; parks whenever a get finds the ring empty. */
async function drainAwaiting(ch: SharedChan) {
  const dst = new Float64Array(128);
  const tally = { count: 0, sum: 0 };
  while (tally.count < N) {
    const k = await ch.getMany(dst);
    if (k === 0) break; // closed early (the producer failed): the tally check reports it
    add(tally, dst, k);
  }
  return tally;
}

function isReport(msg: unknown): msg is NotifyCountReport {
  return typeof msg === 'object' && msg !== null && 'producer' in msg;
}
