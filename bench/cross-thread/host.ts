/**
 * The main thread's side of one producer worker (see workers/control.ts): started once per
 * task, then told to run one iteration per timed transfer.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../test/helpers/ts-worker.js';
import { ACK, CMD, CONTROL_WORDS, READY, RUN, SEQ, STALLED, STOP } from '../workers/control.js';

/** A tsx worker takes ~250 ms to start here; far more means it is stuck. */
const START_TIMEOUT_MS = 15_000;
/** How long a stopped worker gets to finish on its own before it is terminated. */
const EXIT_GRACE_MS = 2_000;

export class ProducerHost {
  /** Pass this to the worker in its data. */
  readonly ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  /** Rejects when the worker fails (an uncaught error, or an exit before it was stopped). */
  readonly failed: Promise<never>;
  /** The worker's stall watchdog fired (it saw no ACK for ACK_TIMEOUT_MS). */
  stalled = false;
  private worker: Worker | undefined;
  private error: Error | undefined;
  private stopping = false;
  private exit: Promise<void> = Promise.resolve();
  private reject: (err: Error) => void = () => {};

  constructor() {
    this.failed = new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    this.failed.catch(() => {}); // observed through `error` too; never an unhandled rejection
  }

  /** Starts the worker and resolves once it posted READY. */
  async start(entry: URL, data: object, transferList: Transferable[] = []): Promise<void> {
    const worker = startTsWorker(entry, data, { transferList });
    this.worker = worker;
    worker.on('error', (err) => this.fail(err));
    this.exit = new Promise((resolve) => {
      worker.once('exit', (code) => {
        if (!this.stopping) this.fail(new Error(`producer worker exited early (code ${code})`));
        resolve();
      });
    });
    const ready = new Promise<void>((resolve) => {
      worker.on('message', (msg: unknown) => {
        if (msg === READY) resolve();
        if (msg === STALLED) this.stalled = true;
      });
    });
    await withTimeout(Promise.race([ready, this.failed]), START_TIMEOUT_MS, 'producer start');
  }

  /** Starts one iteration: two stores and a notify, the only cost this adds to a timing. */
  go(): void {
    this.command(RUN);
  }

  /** Tells the worker that the main thread received the whole iteration. */
  ack(): void {
    Atomics.add(this.ctl, ACK, 1);
    Atomics.notify(this.ctl, ACK);
  }

  /** The next message from the worker that `accept` takes (rejects if the worker fails). */
  nextMessage<T>(accept: (msg: unknown) => msg is T): Promise<T> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('producer worker not started'));
    const message = new Promise<T>((resolve) => {
      const onMessage = (msg: unknown) => {
        if (!accept(msg)) return;
        worker.off('message', onMessage);
        resolve(msg);
      };
      worker.on('message', onMessage);
    });
    return Promise.race([message, this.failed]);
  }

  /** The worker's error, if it failed. */
  get failure(): Error | undefined {
    return this.error;
  }

  /**
   * Asks the worker to stop. A worker blocked in a put is not waiting for commands: close
   * its channel after this call, then `exited()`.
   */
  requestStop(): void {
    this.stopping = true;
    this.command(STOP);
    Atomics.notify(this.ctl, ACK); // it may be waiting for an ACK rather than a command
  }

  /** Waits for the worker to exit (terminating it after EXIT_GRACE_MS); throws its error. */
  async exited(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, EXIT_GRACE_MS);
      });
      await Promise.race([this.exit, grace]);
      clearTimeout(timer);
      await worker.terminate(); // a no-op once it exited; ends a spinning or blocked one
    }
    if (this.error) throw this.error;
  }

  private command(cmd: number): void {
    Atomics.store(this.ctl, CMD, cmd);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
  }

  private fail(err: Error): void {
    this.error ??= err;
    this.reject(err);
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}
