/**
 * The throughput scenarios' rows: a producer worker sends 0..n-1 per iteration, the main
 * thread receives and tallies them; one timed transfer is one iteration, start signal to
 * last value, verified by count and sum like the in-thread suite.
 */
import { verifyTally, type Tally } from '../adapters/adapter.js';
import { STALL_TIMEOUT_MS, type IsolatedTask } from '../measure.js';
import { GAVE_UP } from '../workers/control.js';
import { ProducerHost } from './host.js';

/** The main thread's half of a row, created once per task. */
export interface Consumer {
  /** Receives one iteration's n values and tallies them. */
  consume(n: number): Tally | Promise<Tally>;
  /** Closes the main side's channel or port (after the worker was asked to stop). */
  close(): void;
}

/** Creates the channel, starts the producer worker on `host`, and returns the consumer. */
export type OpenStream = (host: ProducerHost, n: number, batch: number) => Promise<Consumer>;

export interface StreamRow {
  /** Stable id for targets and the JSON results. */
  readonly key: string;
  readonly label: string;
  /** Printed as a footnote under the table. */
  readonly note?: string;
  readonly open: OpenStream;
}

export function streamTask(row: StreamRow, n: number, batch: number): IsolatedTask {
  const host = new ProducerHost();
  let consumer: Consumer | undefined;
  return {
    name: row.label,
    async setup() {
      const c = await row.open(host, n, batch);
      consumer = c;
      return () => () => transfer(row.label, host, c, n);
    },
    async teardown() {
      host.requestStop();
      consumer?.close(); // wakes a producer blocked on a full ring
      await host.exited();
    },
  };
}

async function transfer(label: string, host: ProducerHost, consumer: Consumer, n: number) {
  host.go();
  let tally: Tally;
  try {
    tally = await Promise.race([consumer.consume(n), host.failed]);
  } catch (err) {
    throw (await workerSide(host)) ?? err;
  }
  host.ack();
  if (tally.count !== n) {
    const cause = await workerSide(host);
    if (cause) throw cause;
  }
  verifyTally(label, tally, n);
}

/**
 * What the worker reported, if anything: a consumer that was blocked or polling learns of
 * the worker's error or stall only when its event loop runs again, so give it a moment.
 */
async function workerSide(host: ProducerHost): Promise<Error | undefined> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  // A stalled worker exits after its report: the stall, not the exit, is the cause.
  if (host.stalled) {
    return new Error(
      `the main thread was still waiting for values ${STALL_TIMEOUT_MS / 1000} s after the ` +
        'producer sent its last one; the producer closed the channel to end the wait',
    );
  }
  return host.failure;
}

/**
 * For consumers that poll in a loop and so block the event loop, where no timer can fire and
 * no worker error arrives: they call `check` on every empty poll and it throws once the
 * producer gave up (control word GAVE_UP) or STALL_TIMEOUT_MS passed.
 */
export class StallGuard {
  private readonly deadline = performance.now() + STALL_TIMEOUT_MS;
  private idle = 0;

  constructor(private readonly ctl: Int32Array) {}

  /** Looks at the control word and the clock only every 65536 calls: both cost more than a poll. */
  check(label: string, count: number, n: number): void {
    if ((++this.idle & 0xffff) !== 0) return;
    if (Atomics.load(this.ctl, GAVE_UP) !== 0) {
      throw new Error(`${label}: the producer gave up after ${count} of ${n} values`);
    }
    if (performance.now() > this.deadline) {
      throw new Error(`${label}: ${count} of ${n} values after ${STALL_TIMEOUT_MS / 1000} s (stalled)`);
    }
  }
}

/** Tallies the first k values of dst (shared by every batch consumer). */
export function add(tally: Tally, dst: Float64Array, k: number): void {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += dst[i];
  tally.count += k;
  tally.sum += sum;
}
