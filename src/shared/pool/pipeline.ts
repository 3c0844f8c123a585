/**
 * The main thread's half of a parallelPipe: the feeder takes values from the input and sends
 * them to the workers' task rings; the collector takes results from the result ring, puts
 * them in order (or not), maps failures through onError, and writes them to the output.
 *
 * Invariants:
 *   M1  per worker, values sent whose result was not collected <= window, so a task ring
 *       (room for `window` records) and the result ring (room for workers * window) never
 *       make anyone wait, and a result record is never split (worker.ts K3). In flight in
 *       all (taken from the input, not yet written to the output or dropped) <= capacity =
 *       workers * window, twice that in order mode (results waiting for an earlier one).
 *   M2  ordered: values leave in input order: the collector emits sequence number s only
 *       after every s' < s left (slots.ts).
 *   M3  every value taken from the input leaves exactly once (emitted, replaced or dropped by
 *       onError) unless the pipeline stopped, which discards what is in flight.
 *   M5  object payloads (a codec): each value is put into its worker's value channel before
 *       its task record, and each record is sent alone right after its value (worker.ts K4
 *       is the mirror), so a value ring that is full of bytes only ever waits for the other
 *       side to read values whose records it already has: no cycle of waits.
 *   M4  the pipeline stops once, by `finish` (input closed and everything emitted: the output
 *       closes, with the input's recorded failure if an upstream stage failed), `fail` (the error is recorded on the output, then it closes) or the consumer
 *       closing the output (seen at the next write to it, or by the watch in `start`); every
 *       stop ends both loops, the input get and the pool.
 */
import { failureOf, recordFailure } from '../../internal/failure.js';
import { describe } from '../../errors.js';
import type { Chan } from '../../protocol.js';
import type { SharedChan } from '../shared-chan.js';
import type { Codec } from '../../codec/codec.js';
import { WorkerPool, type ValueLanes } from './pool.js';
import { Signal } from './signal.js';
import { DONE_FAILED, DONE_OK, EMPTY, Slots } from './slots.js';
import { RESULT_WORDS, STATUS_OK, TASK_WORDS, type ItemError } from './wire.js';

/** How often the pipeline checks whether its output was closed by someone else. */
const OUTPUT_WATCH_MS = 50;

export type OnError = (err: unknown, value: unknown) => unknown;

export interface PipelineConfig {
  readonly input: Chan<unknown>;
  /** A shared f64 channel, or with a codec an object channel of that codec. */
  readonly output: SharedChan<unknown>;
  /** Object payloads: the codec of the value channels and the output (null: numbers). */
  readonly codec: 'json' | Codec<unknown> | null;
  readonly ordered: boolean;
  readonly onError: OnError | undefined;
  readonly workers: number;
  readonly window: number;
  readonly chunk: number;
  readonly moduleUrl: string;
  readonly exportName: string;
  /** Object payloads: the largest encoded value or result (undefined: the channel default). */
  readonly maxMessageBytes?: number;
}

export class Pipeline {
  private readonly input: Chan<unknown>;
  private readonly output: SharedChan<unknown>;
  /** Object payloads: the value channels (M5); null when numbers travel in the records. */
  private readonly lanes: ValueLanes | null;
  private readonly ordered: boolean;
  private readonly onError: OnError | undefined;
  private readonly window: number;
  /** Most values in flight (M1). */
  private readonly capacity: number;
  private readonly pool: WorkerPool;
  private readonly slots: Slots;
  /** Per worker: values sent whose result has not been collected (M1). */
  private readonly outstanding: Int32Array;
  /** Values taken from the input: the next sequence number. */
  private taken = 0;
  /** Results collected from the result ring. */
  private collected = 0;
  /** Values that left the pipeline (written to the output or dropped). */
  private released = 0;
  /** Settled values waiting in `staging` (or dropped) until the next flush counts them. */
  private settled = 0;
  /** Ordered: sequence number of the next value to emit. */
  private nextEmit = 0;
  /** Results of one collector round, written to the output with one putMany (numbers). */
  private readonly staging: Float64Array | unknown[];
  private staged = 0;
  /** The feeder's task records for one send. */
  private readonly taskBuf: Float64Array;
  /** The collector's result records. */
  private readonly resultBuf: Float64Array;
  /** The input is closed and drained. */
  private inputDone = false;
  /** M4: set once, by the first stop. */
  private stopped = false;
  /** Withdraws the feeder's pending input get when the pipeline stops. */
  private readonly abort = new AbortController();
  /** Fired when room frees up (M1) or the pipeline stops: wakes the feeder. */
  private readonly room = new Signal();
  /** Fired when values were sent, the input ended, or the pipeline stops: wakes the collector. */
  private readonly work = new Signal();
  /** ItemError messages that arrived before their record, by slot (worker.ts K2). */
  private readonly errors = new Map<number, unknown>();
  /** Collector waiting for the ItemError of a slot whose record arrived first. */
  private readonly errorWaiters = new Map<number, (err: unknown) => void>();
  /** Notices a closed output (see `start`). */
  private watch: ReturnType<typeof setInterval> | undefined;

  constructor(config: PipelineConfig) {
    this.input = config.input;
    this.output = config.output;
    this.ordered = config.ordered;
    this.onError = config.onError;
    this.window = config.window;
    // Ordered, results that wait for an earlier one count as in flight; without room for as
    // many again, a worker ahead of a slow one would idle until the slow one caught up.
    this.capacity = config.workers * config.window * (config.ordered ? 2 : 1);
    this.slots = new Slots(this.capacity, config.ordered, config.codec !== null);
    this.outstanding = new Int32Array(config.workers);
    this.staging = config.codec === null ? new Float64Array(this.capacity) : new Array<unknown>(this.capacity);
    this.taskBuf = new Float64Array(TASK_WORDS * config.window);
    this.resultBuf = new Float64Array(RESULT_WORDS * this.capacity);
    this.pool = new WorkerPool(config.workers, config.window, config.moduleUrl, config.exportName, config.chunk, {
      itemError: (msg) => this.onItemError(msg),
      crashed: (err) => this.fail(err),
    }, config.codec, config.maxMessageBytes);
    this.lanes = this.pool.lanes;
  }

  start(): void {
    this.feed().catch((err: unknown) => this.fail(err));
    this.collect().catch((err: unknown) => this.fail(err));
    // A shared channel has no close event, and the loops notice a closed output only when they
    // next write to it: a consumer that closes it while a stage is stuck (or the input idle)
    // would otherwise leave the pool running. Unref'd: it never keeps the process alive.
    this.watch = setInterval(() => {
      if (this.output.closed) this.stop();
    }, OUTPUT_WATCH_MS);
    this.watch.unref();
  }

  // ---- feeder -------------------------------------------------------------------------------

  private async feed(): Promise<void> {
    const { input, slots, taskBuf } = this;
    while (!this.stopped) {
      const w = this.pickWorker();
      if (w < 0) {
        await this.room.wait();
        continue;
      }
      let v: unknown;
      try {
        v = await input.get({ signal: this.abort.signal });
      } catch (err) {
        if (this.stopped) return; // our own abort
        throw err;
      }
      if (this.stopped) return; // taken as the pipeline stopped: discarded (M3)
      if (this.output.closed) return this.stop(); // the consumer closed the output
      if (v === undefined) {
        this.inputDone = true;
        this.pool.endInput();
        this.work.fire();
        return;
      }
      // Room for worker w (M1), then as many more values as are ready now: one send each.
      const room = Math.min(this.window - this.outstanding[w]!, this.capacity - (this.taken - this.released));
      if (this.lanes !== null) {
        await this.sendObjects(w, v, room);
        continue;
      }
      let k = 0;
      for (;;) {
        if (typeof v !== 'number') {
          throw new TypeError(`parallelPipe: the input gave ${describe(v)}; without a codec a parallelPipe carries numbers (give it codec: 'json' or another for other values)`);
        }
        const slot = slots.acquire(this.taken++);
        slots.input[slot] = v;
        slots.worker[slot] = w;
        taskBuf[k * TASK_WORDS] = slot;
        taskBuf[k * TASK_WORDS + 1] = v;
        if (++k === room) break;
        v = input.poll();
        if (v === undefined) break; // nothing ready (or closed: the next get says which)
      }
      this.outstanding[w]! += k;
      await this.pool.tasks[w]!.putMany(taskBuf.subarray(0, k * TASK_WORDS)); // never waits (M1)
      this.work.fire();
    }
  }

  /**
   * Object payloads (M5): sends `first` and then as many more values as are ready now, up to
   * `room`, each as its value (into the worker's value channel), then its record alone. A
   * value the codec cannot encode fails the pipeline (its put throws: caught by `start`).
   */
  private async sendObjects(w: number, first: unknown, room: number): Promise<void> {
    const { slots, taskBuf } = this;
    const values = this.lanes!.tasks[w]!;
    let v: unknown = first;
    for (let k = 0; k < room && v !== undefined && !this.stopped; k++) {
      const slot = slots.acquire(this.taken++);
      slots.input[slot] = v;
      slots.worker[slot] = w;
      this.outstanding[w]!++;
      if (!(await this.putValue(values, v))) return; // closed: the pipeline stopped
      taskBuf[0] = slot;
      taskBuf[1] = 0;
      await this.pool.tasks[w]!.putMany(taskBuf.subarray(0, TASK_WORDS)); // never waits (M1)
      this.work.fire();
      if (k + 1 < room) v = this.input.poll();
    }
  }

  /**
   * Puts a value into a worker's value channel. A value too large for it is a RangeError that
   * names the channel's own option; the user can only reach the pipeline's, so say that one.
   */
  private async putValue(values: SharedChan<unknown>, v: unknown): Promise<boolean> {
    try {
      return await values.put(v);
    } catch (err) {
      if (!(err instanceof RangeError) || !err.message.includes('maxMessageBytes')) throw err;
      const limit = values['messages']!.maxMessageBytes; // the channel's own, set from our option
      throw new RangeError(
        `parallelPipe: a value of the input is larger than ${limit} bytes once encoded; ` +
          'give parallelPipe a larger maxMessageBytes option (it sizes the channels to the workers and back, and the output)',
        { cause: err },
      );
    }
  }

  /** The worker with the fewest values outstanding that has room, or -1 (M1). */
  private pickWorker(): number {
    if (this.taken - this.released >= this.capacity) return -1;
    let best = -1;
    for (let w = 0; w < this.outstanding.length; w++) {
      const o = this.outstanding[w]!;
      if (o < this.window && (best < 0 || o < this.outstanding[best]!)) best = w;
    }
    return best;
  }

  // ---- collector ----------------------------------------------------------------------------

  private async collect(): Promise<void> {
    const { slots, resultBuf } = this;
    const results = this.pool.results;
    while (!this.stopped) {
      if (this.collected === this.taken) {
        if (this.inputDone) return this.finish();
        // Nothing in flight: wait in-thread (holds nothing), not on the ring (would hold the process).
        await this.work.wait();
        continue;
      }
      const got = await results.getMany(resultBuf);
      if (got === 0 || this.stopped) return;
      for (let i = 0; i < got; i += RESULT_WORDS) {
        const slot = resultBuf[i]!;
        const ok = resultBuf[i + 1] === STATUS_OK;
        const w = slots.worker[slot]!;
        this.outstanding[w]!--;
        this.collected++;
        // M5: an object result is in its worker's value channel, put before its record.
        const value: unknown = this.lanes === null || !ok ? resultBuf[i + 2]! : this.lanes.results[w]!.poll();
        if (this.ordered) {
          slots.state[slot] = ok ? DONE_OK : DONE_FAILED;
          slots.result[slot] = value;
        } else if (!(await this.settle(slot, ok, value))) {
          return;
        }
      }
      if (this.ordered) {
        // M2: emit the run of consecutive results that starts at nextEmit.
        for (;;) {
          const slot = this.nextEmit % this.capacity;
          const state = slots.state[slot];
          if (state === EMPTY) break;
          this.nextEmit++;
          if (!(await this.settle(slot, state === DONE_OK, slots.result[slot]!))) return;
        }
      }
      if (!(await this.flush())) return;
      this.room.fire();
    }
  }

  /**
   * One value leaves: staged for the output, or, if it failed, replaced or dropped by onError,
   * or the pipeline fails. @returns false when the pipeline stopped.
   */
  private async settle(slot: number, ok: boolean, value: unknown): Promise<boolean> {
    if (ok) {
      this.staging[this.staged++] = value;
    } else {
      const err = await this.errorOf(slot);
      if (this.stopped) return false;
      let mapped: unknown;
      try {
        if (this.onError === undefined) throw err;
        mapped = await this.onError(err, this.slots.input[slot]!);
        if (mapped !== undefined && this.lanes === null && typeof mapped !== 'number') {
          throw new TypeError(`parallelPipe: onError returned ${describe(mapped)}; it must return a number to emit, or undefined to drop the value`);
        }
      } catch (failure) {
        await this.flush(); // what came before the failure is still delivered
        this.fail(failure);
        return false;
      }
      if (this.stopped) return false;
      if (mapped !== undefined) this.staging[this.staged++] = mapped as number;
    }
    this.slots.release(slot);
    this.settled++;
    return true;
  }

  /** Writes the staged values to the output. @returns false when the pipeline stopped. */
  private async flush(): Promise<boolean> {
    const n = this.staged;
    if (n > 0) {
      this.staged = 0;
      const staging = this.staging;
      let put = 0;
      if (staging instanceof Float64Array) {
        put = await this.output.putMany(staging.subarray(0, n));
      } else {
        while (put < n && (await this.output.put(staging[put]))) staging[put++] = undefined;
      }
      if (put < n) {
        this.stop(); // the output was closed: by the consumer, or by a failure meanwhile
        return false;
      }
    }
    this.released += this.settled;
    this.settled = 0;
    return !this.stopped;
  }

  /** The error of a failed slot, waiting for its message if the record came first (K2). */
  private errorOf(slot: number): unknown {
    if (this.errors.has(slot)) {
      const err = this.errors.get(slot);
      this.errors.delete(slot);
      return err;
    }
    return new Promise((resolve) => this.errorWaiters.set(slot, resolve));
  }

  private onItemError(msg: ItemError): void {
    const waiter = this.errorWaiters.get(msg.slot);
    if (waiter === undefined) {
      this.errors.set(msg.slot, msg.error);
      return;
    }
    this.errorWaiters.delete(msg.slot);
    waiter(msg.error);
  }

  // ---- stopping (M4) ------------------------------------------------------------------------

  private async finish(): Promise<void> {
    // A worker that could not load the stage module fails the pipeline (through `crashed`)
    // even when the input was empty or the other workers did all the work: wait until every
    // worker loaded it or reported why not. (Not until they exit: a stage module may hold a
    // timer that keeps its worker alive; `stop` terminates it.)
    await this.pool.loaded();
    if (this.stopped) return;
    // An input closed because the stage feeding it failed passes that failure on (ops'
    // convention): everything before it was emitted; the consumer still learns why it ended.
    const upstream = failureOf(this.input);
    if (upstream !== undefined) recordFailure(this.output, upstream);
    this.output.close();
    this.stop();
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    recordFailure(this.output, err);
    this.output.close();
    this.stop();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.watch);
    this.abort.abort();
    this.pool.stop();
    this.room.fire();
    this.work.fire();
    for (const resolve of this.errorWaiters.values()) resolve(undefined);
    this.errorWaiters.clear();
  }
}
