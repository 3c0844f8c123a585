/**
 * The contenders of `npm run bench:pipes`, each behind one shape: set up once (threads started
 * and warmed, never timed), then `run(n)` maps the values 0..n-1 through the kernel and
 * returns the checksum of the results, then `close()`.
 */
import { Worker } from 'node:worker_threads';
import { parallelPipe, parallelPipeUnordered, sharedChan, type SharedChan } from '../../src/index.js';
import kernel from './kernel.mjs';

export const KERNEL = new URL('./kernel.mjs', import.meta.url);

export interface Contender {
  readonly id: string;
  readonly label: string;
  /** Threads doing kernel work (1 for inline), for the per-item overhead. */
  readonly workers: number;
  setup(): Promise<void>;
  /** Maps 0..n-1 through the kernel; resolves with the sum of the results. */
  run(n: number): Promise<number>;
  close(): Promise<void>;
}

export function inline(): Contender {
  return {
    id: 'inline',
    label: 'inline, 1 thread',
    workers: 1,
    async setup() {},
    async run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += kernel(i);
      return sum;
    },
    async close() {},
  };
}

/**
 * The ceiling: the values split into one contiguous range per worker up front, each worker
 * sums its range and posts the sum back. No per-value transport and no balancing: what n
 * threads can do with this kernel on this machine at all.
 */
export function staticSplit(workers: number): Contender {
  let threads: Worker[] = [];
  const run = async (n: number): Promise<number> => {
    const sums = await Promise.all(
      threads.map(
        (w, k) =>
          new Promise<number>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
            w.postMessage([Math.floor((k * n) / workers), Math.floor(((k + 1) * n) / workers)]);
          }),
      ),
    );
    return sums.reduce((a, b) => a + b, 0);
  };
  return {
    id: 'split',
    label: `static split, ${workers} workers (ceiling)`,
    workers,
    async setup() {
      threads = Array.from({ length: workers }, () => new Worker(new URL('./split-worker.mjs', import.meta.url)));
      await run(2000);
    },
    run,
    async close() {
      await Promise.all(threads.map((w) => w.terminate()));
    },
  };
}

/** Values in per putMany from the producer loop, and results out per getMany. */
const BATCH = 256;

/**
 * sabchan: one pipeline kept open across runs (so worker start-up is never timed): each run
 * feeds n values into its shared input with putMany and sums n results with getMany.
 */
export function sabchan(ordered: boolean, workers: number, window?: number): Contender {
  let input: SharedChan<number>;
  let output: SharedChan<number>;
  const src = new Float64Array(BATCH);
  const dst = new Float64Array(1024);
  const run = async (n: number): Promise<number> => {
    const feeding = (async () => {
      for (let i = 0; i < n; i += BATCH) {
        const k = Math.min(BATCH, n - i);
        for (let j = 0; j < k; j++) src[j] = i + j;
        if ((await input.putMany(k === BATCH ? src : src.subarray(0, k))) !== k) throw new Error('input closed early');
      }
    })();
    let sum = 0;
    for (let got = 0; got < n; ) {
      const k = await output.getMany(dst);
      if (k === 0) throw new Error('the pipeline closed its output early');
      for (let j = 0; j < k; j++) sum += dst[j]!;
      got += k;
    }
    await feeding;
    return sum;
  };
  const opts = window === undefined ? {} : { window };
  const name = ordered ? 'parallelPipe' : 'parallelPipeUnordered';
  return {
    id: ordered ? 'ordered' : 'unordered',
    label: `sabchan ${name}, ${workers} workers${window === undefined ? '' : `, window ${window}`}`,
    workers,
    async setup() {
      input = sharedChan({ type: 'f64', capacity: 4096 });
      output = (ordered ? parallelPipe : parallelPipeUnordered)(input, workers, KERNEL, opts);
      await run(2000); // starts and warms the workers
    },
    run,
    async close() {
      input.close();
      while ((await output.get()) !== undefined);
    },
  };
}

/** The part of piscina's API used here. */
interface PiscinaPool {
  run(task: unknown): Promise<unknown>;
  destroy(): Promise<void>;
}

/**
 * piscina is a devDependency loaded at run time, by a specifier tsc does not resolve: the
 * typecheck (and every other suite) then works in a checkout whose node_modules predates it,
 * and a missing piscina fails this row only, with a message saying what to run.
 */
async function loadPiscina(): Promise<{ Piscina: new (opts: object) => PiscinaPool }> {
  const name: string = 'piscina';
  try {
    return (await import(name)) as { Piscina: new (opts: object) => PiscinaPool };
  } catch (err) {
    throw new Error(`piscina is not installed (run npm ci): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * piscina: one `run(value)` per item, at most `inFlight` outstanding (its queue would take
 * them all; a bound keeps memory flat and costs it nothing, as its workers take one task at
 * a time anyway).
 */
export function piscina(workers: number, inFlight = 1024): Contender {
  let pool: PiscinaPool;
  const run = async (n: number): Promise<number> => {
    let sum = 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < n) {
        const v = (await pool.run(next++)) as number; // not `sum += await`: that reads sum before the await
        sum += v;
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
    return sum;
  };
  return {
    id: 'piscina',
    label: `piscina 5.3.2, ${workers} threads`,
    workers,
    async setup() {
      const { Piscina } = await loadPiscina();
      pool = new Piscina({ filename: KERNEL.href, minThreads: workers, maxThreads: workers });
      await run(2000);
    },
    run,
    async close() {
      await pool.destroy();
    },
  };
}
