/**
 * Scenario 4: how often a producer calls Atomics.notify when nobody sleeps. sabchan notifies
 * only when the other side announced a sleeper (src/shared/ring.ts), so on the steady-state
 * path the count should be 0: a notify costs a system call's worth of time, per value.
 *
 * Steady state here: neither side ever has to wait. The ring (2^20 slots) holds a whole
 * iteration (1,024,000 values), so the producer never finds it full; the main thread calls
 * `getManySync` only when `length > 0`, so it never sleeps. The counts on both sides are
 * taken over the second of two iterations (the first warms up the JIT and the spin budget).
 */
import { sharedChan, type SharedChan } from '../../src/index.js';
import { verifyTally } from '../adapters/adapter.js';
import { countAtomics, type AtomicsCounts } from '../workers/count-atomics.js';
import type { NotifyCountReport, NotifyProducerData } from '../workers/notify-producer.js';
import { ProducerHost } from './host.js';
import { add, StallGuard } from './stream.js';

/** Whole batches of 128 (8,000 of them), and fewer than the ring's slots. */
const N = 1_024_000;
const CAPACITY = 2 ** 20;
/** Main-thread drain size: large, so the consumer keeps up with either producer. */
const DRAIN = 4096;
const WORKER = new URL('../workers/notify-producer.ts', import.meta.url);

export interface NotifyRow {
  readonly key: string;
  readonly label: string;
  readonly batch: number;
}

export const NOTIFY_ROWS: readonly NotifyRow[] = [
  { key: 'putSync', label: 'worker `putSync` per value', batch: 1 },
  { key: 'putManySync', label: 'worker `putManySync` of 128', batch: 128 },
];

export const NOTIFY_VALUES = N;

export type NotifyOutcome =
  | { kind: 'measured'; producer: AtomicsCounts; consumer: AtomicsCounts; ms: number }
  | { kind: 'failed'; error: string };

export async function measureNotify(row: NotifyRow): Promise<NotifyOutcome> {
  const host = new ProducerHost();
  const ch = sharedChan({ type: 'f64', capacity: CAPACITY });
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
    tally = drain(row.label, ch, host.ctl);
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

function isReport(msg: unknown): msg is NotifyCountReport {
  return typeof msg === 'object' && msg !== null && 'producer' in msg;
}
