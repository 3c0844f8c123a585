/**
 * `select`: wait on several get and put arms; exactly one completes.
 *
 * The pass structure is Go's `selectgo`, on the port protocol (protocol.ts):
 *   pass 0  validate every arm and option; throw before any arm acts.
 *   pass 1  try the arms in a uniformly random order (or array order with `priority`) and
 *           return the first that completes. With `default` and nothing ready, return the
 *           default now: nothing was registered (Go's poll-only default, not core.async's
 *           register-then-commit, which leaves dead handlers behind).
 *   pass 2  park one waiter per arm, all sharing one commit-once flag (the SelectOp).
 *   pass 3  when a port commits one arm, or the signal aborts, withdraw every other arm at
 *           once, so losing arms never count toward a channel's pending limit.
 *
 * Invariants:
 *   L1  the SelectOp's `done` flips once; after it no arm of this select is queued anywhere
 *       (pass 3 runs in the same synchronous step as the flip).
 *   L2  a select never pairs with itself (protocol P7): pass 1 registers nothing, and pass 2
 *       only registers.
 *   L3  the promise settles exactly once: fulfilled by the winning arm, or rejected by the
 *       abort or by a pending-limit error in pass 2 (after withdrawing the arms parked so far).
 *   L4  a put arm on a cross-thread rendezvous channel (at most one per select) commits in two
 *       phases (protocol.ts P8): its value, once parked, can be taken by another thread at any
 *       time; every other way of completing the select (another arm, the abort, an error)
 *       first takes that value back (`claim`), and gives up if a consumer already has it.
 */
import { describe, signalOf } from '../errors.js';
import { promiseFor } from '../internal/deferred.js';
import { fulfil } from './settle.js';
import {
  isPort,
  NOT_READY,
  PORT,
  type Chan,
  type Flag,
  type GetWaiter,
  type NotReady,
  type Port,
  type PutWaiter,
} from '../protocol.js';

/** A get arm is a channel; a put arm is a `[channel, value]` pair. */
export type SelectArm = Chan<any> | readonly [Chan<any>, any];

export interface SelectOptions {
  /** Try the arms in array order instead of a random order. */
  priority?: boolean;
  /** When present (even `undefined`) and no arm is ready: resolve `[default, null]` at once. */
  default?: unknown;
  /** Withdraws every arm when aborted; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** `[value, chan]`: the value got (or `true`/`false` for a put), and the arm's channel. */
export type SelectResult = [value: unknown, chan: Chan<any> | null];

/**
 * Scratch permutation for pass 1. Safe to share: pass 1 is synchronous and never re-enters
 * `select` (ports run no user code, protocol P3).
 */
let order: number[] = [];

/**
 * Completes exactly one of `ops`: a channel is a get arm, `[chan, value]` a put arm.
 *
 * **Cancel safety** If `signal` aborts first, no arm acted: nothing was taken or delivered.
 *
 * @returns `[value, chan]` for a get arm (`value` is `undefined` if the channel closed),
 *   `[true, chan]` / `[false, chan]` for a put arm (false: the channel was closed), or
 *   `[opts.default, null]`. `chan` is the very object passed in `ops`.
 * @throws {TypeError} synchronously, for a malformed arm, a put of `undefined`, or an empty
 *   `ops` without `default`.
 * @example
 * const [v, c] = await select([a, b, [out, 42]]);
 */
export function select(ops: ReadonlyArray<SelectArm>, opts?: SelectOptions): Promise<SelectResult> {
  // ---- pass 0: validate everything before any arm acts.
  if (!Array.isArray(ops)) throw new TypeError(`select: ops must be an array of arms, got ${describe(ops)}`);
  const signal = opts === undefined ? undefined : signalOf('select', opts);
  const hasDefault = opts !== undefined && opts !== null && 'default' in opts;
  const n = ops.length;
  if (n === 0 && !hasDefault) {
    throw new TypeError('select: no arms and no default: nothing could ever complete');
  }
  let twoPhaseArms = 0;
  for (let i = 0; i < n; i++) {
    const arm = ops[i];
    if (arm == null || (arm as Branded)[PORT] !== true) {
      // L4: a select may have one put arm on a two-phase port (P8).
      if (validatePutArm(arm, i) && ++twoPhaseArms > 1) {
        throw new TypeError(
          `select: arm ${i} is a second put arm on a cross-thread rendezvous channel (capacity 0); a select may have one ` +
            '(its value waits where another thread may take it, so it completes in two phases); give the others a capacity',
        );
      }
    }
  }
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);

  // ---- pass 1: the first ready arm in poll order wins.
  const priority = opts !== undefined && opts.priority === true;
  try {
    if (priority) {
      for (let i = 0; i < n; i++) {
        const r = tryArm(ops[i]!);
        if (r !== NOT_READY) return Promise.resolve(resultOf(ops[i]!, r));
      }
    } else if (n > 0) {
      // Lazy Fisher–Yates: draw the permutation one position at a time and stop at the
      // first ready arm. The positions come from one Math.random() read as mixed-radix digits:
      // for uniform r in [0, 1), floor(r * m) is uniform in [0, m) and the fraction r * m - j is
      // again uniform and independent of it. Each digit uses up log2(m) of the double's 53 bits,
      // so a fresh number is drawn once the digits drawn from the current one span over 2^24.
      const perm = n <= order.length ? order : (order = Array.from({ length: n }, (_, i) => i));
      for (let i = 0; i < n; i++) perm[i] = i;
      let digits = Math.random();
      let span = 1;
      for (let i = 0; i < n; i++) {
        const m = n - i;
        if (span * m > 0x1000000) {
          digits = Math.random();
          span = 1;
        }
        span *= m;
        digits *= m;
        const d = Math.floor(digits);
        digits -= d;
        const j = i + d;
        const k = perm[j]!;
        perm[j] = perm[i]!;
        perm[i] = k;
        const arm = ops[k] as unknown as Port & Branded & readonly [Port, unknown];
        if (arm[PORT] === true) {
          const r = arm.tryGet();
          if (r !== NOT_READY) return Promise.resolve([r, arm as unknown as Chan<any>]);
        } else {
          const r = arm[0].tryPut(arm[1]);
          if (r !== NOT_READY) return Promise.resolve([r, arm[0] as unknown as Chan<any>]);
        }
      }
    }
  } catch (err) {
    return Promise.reject(err); // a get arm's message could not be decoded (shared-port.ts H6)
  }
  if (hasDefault) return Promise.resolve([opts!.default, null]);

  // ---- pass 2 (and 3, in SelectOp.finish / handleEvent). Park in the poll order just used,
  // so that when several arms wait on one channel (`[[c, 1], [c, 0]]`) the one a later
  // counterpart finds first is random too (Go's TestPseudoRandomSend).
  return new SelectOp(ops, signal).park(priority ? null : order);
}

/**
 * Pass 0 for an arm that is not a channel: it must be a `[channel, value]` put arm.
 * @returns true when its port commits put arms in two phases (P8).
 */
function validatePutArm(arm: unknown, i: number): boolean {
  if (Array.isArray(arm)) {
    if (arm.length !== 2 || !isPort(arm[0])) {
      throw new TypeError(
        `select: arm ${i} must be a channel (get) or a [channel, value] pair (put), got an array of length ${arm.length}` +
          (arm.length === 2 ? ' whose first element is not a channel' : ''),
      );
    }
    (arm[0] as Port).checkPut(arm[1], `select: arm ${i}`);
    return (arm[0] as Port).twoPhasePut === true;
  }
  throw new TypeError(`select: arm ${i} must be a channel (get) or a [channel, value] pair (put), got ${describe(arm)}`);
}

/** A channel carries the PORT brand; a put arm (an array) does not. */
type Branded = { [PORT]?: unknown };

function tryArm(arm: SelectArm): unknown | NotReady {
  if ((arm as Branded)[PORT] === true) return (arm as unknown as Port).tryGet();
  return ((arm as readonly unknown[])[0] as Port).tryPut((arm as readonly unknown[])[1]);
}

function resultOf(arm: SelectArm, value: unknown): SelectResult {
  return [value, (arm as Branded)[PORT] === true ? (arm as Chan<any>) : (arm as readonly [Chan<any>, unknown])[0]];
}

/** One parked select: the commit-once flag of all its arms (core.async's alt-flag). */
class SelectOp implements Flag {
  done = false;
  /** One waiter per arm, in `ops` order. */
  private readonly arms: (GetArm | PutArm)[];
  /** Settle the caller's promise; set by the Promise executor. */
  resolve!: (result: SelectResult) => void;
  reject!: (reason: unknown) => void;

  constructor(
    ops: ReadonlyArray<SelectArm>,
    /** The caller's signal, if any. */
    private readonly signal: AbortSignal | undefined,
  ) {
    const arms: (GetArm | PutArm)[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const arm = ops[i]!;
      arms[i] = Array.isArray(arm) ? new PutArm(this, arm[0] as Chan<any>, arm[1]) : new GetArm(this, arm as Chan<any>);
      if (arms[i] instanceof PutArm && ((arm as readonly unknown[])[0] as Port).twoPhasePut === true) this.exposable = arms[i] as PutArm;
    }
    this.arms = arms;
    if (this.exposable !== null) {
      // L4: only selects with a two-phase arm carry the claim step; ports test for it (P8).
      this.claim = this.claimExposable;
      this.unclaim = this.unclaimExposable;
    }
  }

  /**
   * L4 (P8): the put arm on a cross-thread rendezvous channel, if any. Once parked, its value
   * waits in the ring, where a consumer in another thread may take it at any moment, which
   * completes this select. So before any other arm commits, the select takes that value back
   * (`claim`); if it cannot, a consumer has it, the put arm wins, and the other arm must not
   * commit. One such arm per select (pass 0), so at most one value is ever out there.
   */
  private readonly exposable: PutArm | null = null;
  claim?: () => boolean;
  unclaim?: () => void;

  /** The claim took the exposed value back: the unclaim must offer it again. */
  private recalled = false;

  private readonly claimExposable = (): boolean => {
    if (this.done) return false;
    const arm = this.exposable!;
    // Taking the value back fails only when a consumer already reserved it: too late. The
    // arm keeps its place in line, or stays where it is (queued, or not parked yet).
    const r = (arm.chan as unknown as Port).recallPut!(arm);
    if (r === 'taken') return false;
    this.recalled = r === 'recalled';
    return true;
  };

  private readonly unclaimExposable = (): void => {
    if (this.done || !this.recalled) return;
    this.recalled = false;
    (this.exposable!.chan as unknown as Port).reofferPuts!(); // a consumer may take it later
  };

  /**
   * Pass 2: parks every arm, in `pollOrder` (indices into the arms) or else array order.
   * Each park may complete at once (protocol P5).
   */
  park(pollOrder: readonly number[] | null): Promise<SelectResult> {
    const promise = promiseFor<SelectResult>(this);
    const arms = this.arms;
    for (let i = 0; i < arms.length; i++) {
      try {
        arms[pollOrder === null ? i : pollOrder[i]!]!.park();
      } catch (err) {
        // L3: a pending-limit error; undo what was parked and report it, unless the
        // rendezvous arm's value was taken meanwhile (L4): then that arm completes the select.
        if (this.claim !== undefined && !this.claim()) return promise;
        this.done = true;
        this.withdrawAll(null);
        return Promise.reject(err);
      }
      if (this.done) return promise;
    }
    if (this.signal !== undefined) this.signal.addEventListener('abort', this);
    return promise;
  }

  /** Called by the winning arm, after its port set `done` (P1). Pass 3. */
  finish(winner: GetArm | PutArm, value: unknown, late: boolean): void {
    this.withdrawAll(winner);
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    fulfil(this.resolve, [value, winner.chan] as SelectResult, late);
  }

  /** A get arm's message could not be decoded (its port set `done`): withdraw the rest, reject. */
  fail(winner: GetArm, reason: unknown): void {
    this.withdrawAll(winner);
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    this.reject(reason);
  }

  /** The signal aborted: withdraw every arm and reject, unless an arm already won (L1). */
  handleEvent(): void {
    if (this.done) return;
    // L4: an aborted select must not have delivered its rendezvous value: take it back first;
    // if a consumer already has it, the put arm completes the select and the abort comes late.
    if (this.claim !== undefined && !this.claim()) return;
    this.done = true;
    this.withdrawAll(null);
    this.reject(this.signal!.reason);
  }

  private withdrawAll(except: GetArm | PutArm | null): void {
    for (const arm of this.arms) if (arm !== except) arm.withdraw();
  }
}

/** A get arm's waiter; its flag is the select. */
class GetArm implements GetWaiter {
  next: GetWaiter | null = null;
  prev: GetWaiter | null = null;
  queued = false;

  constructor(
    readonly flag: SelectOp,
    /** The channel object the caller passed (returned in the result). */
    readonly chan: Chan<any>,
  ) {}

  park(): void {
    (this.chan as unknown as Port).parkGet(this);
  }
  withdraw(): void {
    (this.chan as unknown as Port).withdrawGet(this);
  }
  completeGet(value: unknown, late: boolean): void {
    this.flag.finish(this, value, late);
  }
  failGet(reason: unknown): void {
    this.flag.fail(this, reason);
  }
}

/** A put arm's waiter; its flag is the select. */
class PutArm implements PutWaiter {
  next: PutWaiter | null = null;
  prev: PutWaiter | null = null;
  queued = false;

  constructor(
    readonly flag: SelectOp,
    readonly chan: Chan<any>,
    /** The value offered; validated not undefined in pass 0. */
    readonly value: unknown,
  ) {}

  park(): void {
    (this.chan as unknown as Port).parkPut(this);
  }
  withdraw(): void {
    // False only for a two-phase arm whose value a taker has (P6); every path that gets here
    // with such an arm claimed first (L4), so by then nothing is left to withdraw.
    (this.chan as unknown as Port).withdrawPut(this);
  }
  completePut(ok: boolean, late: boolean): void {
    this.flag.finish(this, ok, late);
  }
}
