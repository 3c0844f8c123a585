/**
 * How a thread waits for a shared channel: the sleeper-guarded eventcount of sab-design.md C.4.
 *
 *   1. try the operation;
 *   2. (sync calls only) spin, re-trying, for a time budget about the cost of a wake-up,
 *      adapted to how often spinning paid off;
 *   3. read the epoch e; set WAITING to 1; re-try; then sleep on the epoch while it is still e
 *      (`Atomics.wait` for sync calls, `Atomics.waitAsync` for the Promise facade), with a
 *      safety timeout after which it simply re-tries. Repeat from 3 on waking.
 * A committer publishes, then, if WAITING is set, clears it (exchange) and bumps and notifies
 * the epoch (ring.ts). So one sleep costs one notify, however many commits happen while the
 * sleeper takes its 10-50 µs to wake.
 *
 * Why no wake-up is lost (all atomics are sequentially consistent): take a committer C that
 * publishes and then reads WAITING. If C reads WAITING before the sleeper set it, C's publish
 * precedes the sleeper's re-try, which sees it. Otherwise C reads the flag set, by this sleeper
 * or again later; either C clears it and bumps the epoch, or another committer cleared it
 * after this sleeper set it and bumped the epoch. Both bumps come after the sleeper read e, so
 * its wait on e returns at once and it re-tries. Reading e before setting the flag is what
 * makes the second case safe. Wake-ups are hints: the woken side re-tries.
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
  waitingIdx: number,
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
  for (;;) {
    const epoch = Atomics.load(words, epochIdx);
    Atomics.store(words, waitingIdx, 1);
    r = attempt();
    if (r !== NOT_READY) return r;
    const left = deadline - performance.now();
    if (left <= 0) throw new TimeoutError(where, timeoutMs!);
    Atomics.wait(words, epochIdx, epoch, Math.min(left, SAFETY_TIMEOUT_MS));
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
 * sleeper (step 3 above, with waitAsync). `serve()` is called after every wake-up (and once
 * right after arming, as the re-check of step 3); it returns true while operations remain
 * parked, and the watcher waits again, or false, and the watcher disarms.
 */
export class EpochWatcher {
  /** True while watching (and holding the process alive). */
  private armed = false;

  constructor(
    private readonly words: Int32Array,
    private readonly waitingIdx: number,
    private readonly epochIdx: number,
    /** Serves parked operations; true while some remain. */
    private readonly serve: () => boolean,
  ) {}

  /** Starts watching (if not already). Call after parking an operation. */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    retainProcess();
    this.watch();
  }

  private readonly onWake = (): void => {
    this.watch();
  };

  /** Step 3: read the epoch, re-check, then sleep asynchronously until it changes. */
  private watch(): void {
    for (;;) {
      const epoch = Atomics.load(this.words, this.epochIdx);
      Atomics.store(this.words, this.waitingIdx, 1);
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
    releaseProcess();
  }
}
