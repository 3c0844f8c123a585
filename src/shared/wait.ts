/**
 * How a thread waits for a shared channel: the sleeper-guarded eventcount of sab-design.md C.4.
 *
 *   1. try the operation;
 *   2. (sync calls only) spin, re-trying, for a time budget about the cost of a wake-up,
 *      adapted to how often spinning paid off (SpinBudget);
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
 * How long a sync call spins (re-trying) before it sleeps, per channel object, in
 * microseconds. Spinning about as long as a wake-up costs (10-50 µs here) bounds the loss at
 * 2x the optimum either way (sab-design.md C.4): it catches a counterpart that is awake and
 * about to act, without burning much when it is not. Adapted to what the wait turned out to
 * be: doubled when a spin succeeded; after a sleep, set to the whole wait (and half again) if
 * that was short (a spin that long would have caught the counterpart), halved if it was long
 * (no spin would have). Why a short sleep raises the budget: two threads that each sleep
 * while the other wakes up (a wake-up here is 30-50 µs, and an event loop's more) can
 * otherwise settle into a mode where every spin runs out just before the other side, still
 * waking up, acts, so both sleep on every turn: a ping-pong, or a stream whose ring keeps
 * running full and then empty, several times slower than when they spin (bench/README.md,
 * the parks scenario and "Spin budget after a sleep").
 */
export class SpinBudget {
  micros = 20;
  /** False when the user fixed the budget (the `spin` option): then it never adapts. */
  private adaptive = true;
  static readonly MIN_MICROS = 10;
  static readonly MAX_MICROS = 100;

  /** Fixes the budget at `micros` (0: never spin, sleep at once), or back to adaptive. */
  set(micros: number | 'adaptive'): void {
    this.adaptive = micros === 'adaptive';
    this.micros = micros === 'adaptive' ? 20 : micros;
  }

  succeeded(): void {
    if (this.adaptive) this.micros = Math.min(this.micros * 2, SpinBudget.MAX_MICROS);
  }

  failed(): void {
    if (this.adaptive) this.micros = Math.max(this.micros / 2, SpinBudget.MIN_MICROS);
  }

  /**
   * The spin ran out and the call slept; the operation went through `waitedMicros` after the
   * call began to wait. Within MAX_MICROS the next spin covers that wait, with half again as
   * much for jitter; a longer wait halves the budget instead.
   */
  slept(waitedMicros: number): void {
    if (!this.adaptive) return;
    if (waitedMicros > SpinBudget.MAX_MICROS) this.failed();
    else this.micros = Math.min(Math.max(waitedMicros * 1.5, SpinBudget.MIN_MICROS), SpinBudget.MAX_MICROS);
  }
}

/** Thread-local word that `pause` reads; never shared, so reading it disturbs no other core. */
const pauseWord = new Int32Array(1);

/**
 * Exponential backoff between spinning attempts (crossbeam's Backoff): after attempt i, wait
 * about 2^min(i, 7) local loads (up to ~150 ns). Re-trying flat out would re-read the other
 * side's position word many times per change, so every commit there would find its cache
 * line shared and pay a miss; backing off lets the other side run from its own cache.
 * JS has no pause instruction; an Atomics.load of a local word is a delay V8 cannot remove.
 */
function pause(i: number): void {
  delay(1 << (i < 7 ? i : 7));
}

/** Waits about `loads` local loads (~1 ns each here) without touching any shared memory. */
export function delay(loads: number): void {
  for (let j = 0; j < loads; j++) Atomics.load(pauseWord, 0);
}

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
  spin: SpinBudget,
): R {
  let r = attempt();
  if (r !== NOT_READY) return r;
  assertCanBlock(where);
  const start = performance.now();
  const deadline = timeoutMs === undefined ? Infinity : start + timeoutMs;
  const spinUntil = Math.min(start + spin.micros / 1000, deadline);
  for (let i = 1; spin.micros > 0; i++) {
    pause(i);
    r = attempt();
    if (r !== NOT_READY) {
      spin.succeeded();
      return r;
    }
    if ((i & 15) === 0 && performance.now() >= spinUntil) break; // reading the clock costs ~30 ns
  }
  for (;;) {
    const epoch = Atomics.load(words, epochIdx);
    Atomics.store(words, waitingIdx, 1);
    r = attempt();
    if (r !== NOT_READY) {
      spin.slept((performance.now() - start) * 1000);
      return r;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      spin.failed();
      throw new TimeoutError(where, timeoutMs!);
    }
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
/**
 * Made once, then ref'd and unref'd (a consumer that parks on every get would otherwise create
 * and clear a timer each time, ~1 µs). Browsers have no process to hold and no ref/unref.
 */
let keepAlive: ReturnType<typeof setInterval> | undefined;

function retainProcess(): void {
  if (armedWatchers++ !== 0) return;
  if (keepAlive === undefined) keepAlive = setInterval(() => undefined, 2 ** 30);
  else (keepAlive as { ref?: () => void }).ref?.();
}

function releaseProcess(): void {
  if (--armedWatchers === 0) (keepAlive as { unref?: () => void } | undefined)?.unref?.();
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
  /**
   * A waitAsync (or a polling timer) is outstanding. It cannot be cancelled: when its owner
   * went idle (`idle()`) it just ends at the next bump or safety timeout and finds nothing to
   * do; when the watcher is armed again meanwhile, it is reused instead of adding another.
   */
  private pending = false;

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
    if (!this.pending) {
      this.watch();
      return;
    }
    // Step 3 without a second wait: the outstanding one still ends at the next bump (any
    // bump after this flag store changes the epoch it waits on, or already did, and then its
    // wake-up is queued), and looks again.
    Atomics.store(this.words, this.waitingIdx, 1);
    if (!this.serve()) this.disarm();
  }

  /**
   * Nothing is parked any more (the last operation was withdrawn): stop holding the process
   * alive now rather than at the next wake-up. The side's WAITING flag stays set (another
   * thread's sleeper may rely on it), so one later commit still notifies, to no effect.
   */
  idle(): void {
    if (this.armed) this.disarm();
  }

  private readonly onWake = (): void => {
    this.pending = false;
    if (this.armed) this.watch();
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
      // serve() completes waiters, whose callbacks may withdraw others (idle) or park new ones
      // (arm): if that left this watcher idle, or already waiting, there is nothing to add.
      if (!this.armed || this.pending) return;
      if (typeof Atomics.waitAsync !== 'function') {
        this.pollLater(epoch);
        return;
      }
      const result = Atomics.waitAsync(this.words, this.epochIdx, epoch, SAFETY_TIMEOUT_MS);
      if (result.async) {
        this.pending = true;
        void result.value.then(this.onWake);
        return;
      }
      // 'not-equal': the epoch moved between the load and the wait; serve again.
    }
  }

  /** Current delay of the polling fallback, in ms. */
  private pollDelay = 0;

  /**
   * Fallback where `Atomics.waitAsync` is missing (Firefox, older engines): look at the epoch
   * again after a timer, backing off from 0 to 16 ms while it stays still and starting over
   * once it moves. Costs latency (up to the delay), never correctness: the serve that follows
   * is the same re-check a wake-up would trigger.
   */
  private pollLater(epoch: number): void {
    this.pending = true;
    const check = (): void => {
      if (!this.armed) {
        this.pending = false; // idle: stop polling
        return;
      }
      if (Atomics.load(this.words, this.epochIdx) !== epoch) {
        this.pending = false;
        this.pollDelay = 0;
        this.watch();
        return;
      }
      this.pollDelay = Math.min(Math.max(this.pollDelay * 2, 1), 16);
      setTimeout(check, this.pollDelay);
    };
    setTimeout(check, this.pollDelay);
  }

  private disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    releaseProcess();
  }
}
