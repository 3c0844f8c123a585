/**
 * How a thread waits for a shared channel: the sleeper-guarded eventcount of sab-design.md C.4.
 *
 *   1. try the operation;
 *   2. (sync calls only) spin, re-trying, for a time budget about the cost of a wake-up,
 *      adapted to how often spinning paid off;
 *   3. announce: Atomics.add(SLEEPERS, 1); read the epoch; re-try; then sleep on the epoch
 *      (`Atomics.wait` for sync calls, `Atomics.waitAsync` for the Promise facade), with a
 *      safety timeout after which it simply re-tries;
 *   4. Atomics.sub(SLEEPERS, 1) once done.
 * A committer bumps and notifies the epoch only when SLEEPERS is non-zero (ring.ts). Because
 * every atomic is sequentially consistent, "sleeper announces, then re-tries" and "committer
 * publishes, then reads SLEEPERS" cannot both miss each other; the value-checked wait covers
 * a bump between the epoch read and the sleep. Wake-ups are hints: the woken side re-tries.
 *
 * Async waits never spin: they must not hold up the thread's event loop.
 */
import { TimeoutError } from '../errors.js';
import { NOT_READY, type NotReady } from '../protocol.js';

/** Re-check at least this often while asleep, whatever happens (contains lost wake-ups). */
export const SAFETY_TIMEOUT_MS = 1000;

let blockingAllowed: boolean | undefined;

/** True when this thread may call Atomics.wait (false on a browser main thread). */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

/** Throws the API's error for a sync call on a thread that may not block. */
export function assertCanBlock(where: string): void {
  if (!canBlock()) {
    throw new Error(`${where}: this thread may not block (Atomics.wait is not allowed here, e.g. a browser main thread); use the Promise form instead`);
  }
}

/**
 * Spin budget in iterations, adapted like glibc's adaptive mutex: doubled when a spin found
 * the channel ready, halved when it had to sleep anyway. Spinning about as long as a wake-up
 * costs (~10 µs here) bounds the loss at 2x the optimum either way.
 */
let spinBudget = 512;
const MIN_SPIN = 16;
const MAX_SPIN = 16_384;

/**
 * Blocks until `attempt()` returns something other than NOT_READY, or the timeout expires.
 * @param timeoutMs undefined: wait forever.
 * @throws TimeoutError when the timeout expired (the attempt never succeeded: nothing moved).
 */
export function blockUntil<R>(
  where: string,
  words: Int32Array,
  sleepersIdx: number,
  epochIdx: number,
  attempt: () => R | NotReady,
  timeoutMs: number | undefined,
): R {
  let r = attempt();
  if (r !== NOT_READY) return r;
  assertCanBlock(where);
  for (let i = 0; i < spinBudget; i++) {
    r = attempt();
    if (r !== NOT_READY) {
      spinBudget = Math.min(spinBudget * 2, MAX_SPIN);
      return r;
    }
  }
  spinBudget = Math.max(spinBudget >> 1, MIN_SPIN);
  const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
  Atomics.add(words, sleepersIdx, 1);
  try {
    for (;;) {
      const epoch = Atomics.load(words, epochIdx);
      r = attempt();
      if (r !== NOT_READY) return r;
      const left = deadline - performance.now();
      if (left <= 0) throw new TimeoutError(where, timeoutMs!);
      Atomics.wait(words, epochIdx, epoch, Math.min(left, SAFETY_TIMEOUT_MS));
    }
  } finally {
    Atomics.sub(words, sleepersIdx, 1);
  }
}

// ---- async waiting ------------------------------------------------------------------------

/**
 * Node 20: a pending `Atomics.waitAsync` does not keep the process alive, so a program whose
 * only work is `await ch.get()` would exit. While any async watcher is armed in this thread
 * we hold one ref'd timer, and drop it when the last one disarms, so a process with nothing
 * pending can still exit.
 */
let armedWatchers = 0;
let keepAlive: ReturnType<typeof setInterval> | undefined;

function retainProcess(): void {
  if (armedWatchers++ === 0) keepAlive = setInterval(() => undefined, 2 ** 30);
}

function releaseProcess(): void {
  if (--armedWatchers === 0) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

/**
 * Watches one side's epoch for a channel object while it has parked operations: an async
 * sleeper that counts in SLEEPERS while armed. `serve()` is called after every wake-up (and
 * once right after arming, as the re-check of step 3); it returns true while operations
 * remain parked, and the watcher re-arms, or false, and the watcher disarms.
 */
export class EpochWatcher {
  /** True while counted in SLEEPERS and holding the process alive. */
  private armed = false;

  constructor(
    private readonly words: Int32Array,
    private readonly sleepersIdx: number,
    private readonly epochIdx: number,
    /** Serves parked operations; true while some remain. */
    private readonly serve: () => boolean,
  ) {}

  /** Starts watching (if not already). Call after parking an operation. */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    retainProcess();
    Atomics.add(this.words, this.sleepersIdx, 1);
    this.watch();
  }

  private readonly onWake = (): void => {
    this.watch();
  };

  /** Step 3: read the epoch, re-check, then sleep asynchronously until it changes. */
  private watch(): void {
    for (;;) {
      const epoch = Atomics.load(this.words, this.epochIdx);
      if (!this.serve()) {
        this.disarm();
        return;
      }
      const result = Atomics.waitAsync(this.words, this.epochIdx, epoch, SAFETY_TIMEOUT_MS);
      if (result.async) {
        void result.value.then(this.onWake);
        return;
      }
      // 'not-equal': the epoch moved between the load and the wait; serve again.
    }
  }

  private disarm(): void {
    this.armed = false;
    Atomics.sub(this.words, this.sleepersIdx, 1);
    releaseProcess();
  }
}
