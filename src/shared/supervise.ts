/**
 * `supervise(worker, ...channels)`: ties shared channels to a worker's life. When the worker
 * exits for any reason (terminate(), an uncaught error, process.exit, or simply returning)
 * while a channel is open, the channel closes with the reason 'worker-exited', which every
 * thread reads as `ch.closeReason`, and blocked calls in every thread settle: gets drain what
 * was published, then resolve `undefined`; puts resolve false. A reservation the dead worker
 * made but never committed is repaired by sealing the ring (./repair.ts, ring.ts R5, R6).
 *
 * Detection is the Node 'exit' event of a worker_threads Worker, delivered on the thread that
 * created the worker: that thread's event loop must be running to notice. A thread blocked in
 * a *Sync call cannot supervise, and neither can one whose own commit waits for its turn
 * (ring.ts awaitTurn, synchronous even under `await ch.put()`) behind the dead worker's
 * reservation: it would wait forever. sab-design.md C.8; policy: README "Dead workers".
 */
import { describe } from '../errors.js';
import { HEADER_WORDS, IDX_MAGIC, MAGIC, SZ_HEADER } from './layout.js';
import { tableOf } from './doorbells.js';
import { markWorkerExited, repairWhenStalled } from './repair.js';
import type { SharedChanHandle } from './handle.js';

/**
 * What `supervise` closes: a channel object of any shared kind (`sharedChan()`, `attach()`).
 * Recognised by its handle's buffer rather than its class, so every kind of shared channel
 * qualifies; the seal applies only where the buffer says its parties commit by CAS.
 */
export interface SupervisedChannel {
  readonly handle: SharedChanHandle;
  close(): void;
}

/** What `supervise` watches: a `Worker` of node:worker_threads (anything with its 'exit' event). */
export interface SupervisedWorker {
  once(event: 'exit', listener: (exitCode: number) => void): unknown;
  off(event: 'exit', listener: (exitCode: number) => void): unknown;
  /** Node sets it to -1 once the worker has exited. */
  readonly threadId?: number;
}

/**
 * Stops supervising (idempotent): a later exit of the worker leaves the channels alone. Also
 * a disposable (`using stop = supervise(...)`) where the runtime has `Symbol.dispose`.
 */
export type StopSupervising = (() => void) & { [Symbol.dispose]?: () => void };

/**
 * Closes `channels` with the reason 'worker-exited' when `worker` exits while they are open.
 * Channels already closed stay as they are (their reason too). A worker that has already
 * exited closes them at once.
 * @returns a function that stops supervising.
 * @throws {TypeError} when `worker` is not a worker, or an argument after it is not a shared
 *   channel (or there is none).
 * @example
 * const ch = sharedChan({ type: 'f64', capacity: 1024 });
 * const worker = new Worker(url, { workerData: ch.handle });
 * const stop = supervise(worker, ch); // ch.closeReason === 'worker-exited' once it dies
 */
export function supervise(worker: SupervisedWorker, ...channels: SupervisedChannel[]): StopSupervising {
  if (typeof worker !== 'object' || worker === null || typeof worker.once !== 'function' || typeof worker.off !== 'function') {
    throw new TypeError(`supervise: expected a Worker from node:worker_threads (something with an 'exit' event) as the first argument, got ${describe(worker)}`);
  }
  if (channels.length === 0) {
    throw new TypeError('supervise: pass the shared channels to close when the worker exits: supervise(worker, ch1, ch2, ...)');
  }
  channels.forEach((ch, i) => {
    if (!isSharedChannel(ch)) {
      throw new TypeError(`supervise: argument ${i + 2} must be a shared channel (from sharedChan() or attach()), got ${describe(ch)}`);
    }
  });
  const targets = channels.map((ch) => ({ ch, words: new Int32Array(ch.handle.buffer, 0, HEADER_WORDS) }));
  const threadId = worker.threadId ?? -1; // -1 once exited: read it now
  const onExit = (exitCode: number | undefined): void => {
    for (const { ch, words } of targets) {
      markWorkerExited(words, exitCode);
      ch.close(); // sets FLAG_CLOSED (the reason is in place), wakes every thread, settles ours
      const table = tableOf(ch.handle.doorbells);
      // A worker that died blocked in selectSync never released its doorbell slot.
      table?.releaseDeadHolder(threadId, targets.map((t) => t.words));
      repairWhenStalled(words, table);
    }
  };
  let stopped = false;
  const stop: StopSupervising = () => {
    if (stopped) return;
    stopped = true;
    worker.off('exit', onExit);
  };
  if (typeof Symbol.dispose === 'symbol') Object.defineProperty(stop, Symbol.dispose, { value: stop });
  if (worker.threadId === -1) {
    stopped = true;
    onExit(undefined); // it exited before we could listen: its exit code is gone
  } else {
    worker.once('exit', onExit);
  }
  return stop;
}

function isSharedChannel(x: unknown): x is SupervisedChannel {
  if (typeof x !== 'object' || x === null || typeof (x as SupervisedChannel).close !== 'function') return false;
  const buffer = (x as { handle?: { buffer?: unknown } }).handle?.buffer;
  return buffer instanceof SharedArrayBuffer && buffer.byteLength >= SZ_HEADER && Atomics.load(new Int32Array(buffer, 0, 1), IDX_MAGIC) === MAGIC;
}
