/**
 * `selectSync`: `select` that blocks the thread, over shared channels only (API.md section 4).
 *
 *   pass 0  validate every arm and option (a put arm's value is encoded / range-checked);
 *           throw before any arm acts.
 *   pass 1  try the arms in a uniformly random order (array order with `priority`); the
 *           first that completes wins. With `default` and nothing ready: `[default, null]`.
 *   pass 2  spin a little, re-trying; then take a doorbell slot and loop: read the doorbell,
 *           register on every arm's channel (mask bit + WAITING flag), re-try every arm,
 *           sleep on the doorbell (./doorbells.ts D2). On timeout: TimeoutError.
 *
 * Invariants:
 *   Y1  at most one arm commits: every try is one atomic claim on one ring (a reservation
 *       CAS), and the loop returns on the first success. Nothing is parked anywhere, so there
 *       is nothing to withdraw and no second arm that could complete later.
 *   Y2  a select never pairs with itself: its arms only ever meet the rings, never each other.
 *   Y3  when selectSync returns or throws, its slot's bits are cleared from every mask and the
 *       slot is free again (the `finally`), so no channel rings a doorbell nobody holds.
 *   Y4  a put arm on a rendezvous channel (at most one per select) completes only when
 *       another thread takes its value. While the select sleeps, that value waits in the ring
 *       (exposed); before any other arm is tried, it is taken back (`reclaim`, one CAS that a
 *       taker's reservation races): if that fails, a taker has it and the put arm wins, so
 *       no other arm ever commits beside it (the two-phase commit of protocol.ts P8).
 *   Y5  a select never wakes itself. Its own commits ring the masks it registered in: taking
 *       its exposed value back commits a take (ringing TX masks), and offering it commits a
 *       put (ringing RX masks). Either ring, after the doorbell was read, would end the sleep
 *       at once, every round: a busy loop until a taker came. So the take-back comes before
 *       the doorbell is read. A get arm on the rendezvous channel itself (the "mirror") drops
 *       its RX bit while the value is offered and while it is exposed: a rendezvous ring holds
 *       one value, so nothing can arrive for the mirror then. When the offer did not expose
 *       the value, the bit is set again and the ring looked at once more (register, then
 *       re-check: doorbells.ts D2).
 *   Y6  with a mirror, the exposed value would also keep out every other thread's put, the
 *       very values the mirror waits for. So the rounds alternate, each at most MIRROR_ROUND_MS
 *       long: one with the value exposed (for takers), one without it and with the RX bit set
 *       (for other putters, whose values the mirror then takes).
 */
import { describe, TimeoutError, timeoutOf } from '../errors.js';
import { NOT_READY } from '../protocol.js';
import type { DoorbellTable } from './doorbells.js';
import { IDX_RX_EPOCH, IDX_RX_SELECT_MASK, IDX_RX_WAITING, IDX_TX_SELECT_MASK, IDX_TX_WAITING } from './layout.js';
import { CLOSED } from './ring-core.js';
import { SharedChan } from './shared-chan.js';
import { assertCanBlock, SAFETY_TIMEOUT_MS } from './wait.js';

/** A get arm is a shared channel; a put arm is a `[sharedChannel, value]` pair. */
export type SyncSelectArm = SharedChan<any> | readonly [SharedChan<any>, any];

export interface SyncSelectOptions {
  /** Try the arms in array order instead of a random order. */
  priority?: boolean;
  /** When present (even `undefined`) and no arm is ready: return `[default, null]` at once. */
  default?: unknown;
  /** Milliseconds to wait at most; then TimeoutError, with nothing transferred. */
  timeout?: number;
}

interface Arm {
  readonly ch: SharedChan<any>;
  readonly put: boolean;
  readonly value: unknown;
  readonly words: Int32Array;
}

/** How long pass 2 re-tries before it sleeps: about a wake-up's cost (wait.ts SpinBudget). */
const SPIN_MICROS = 20;
/** Sleep between polls when the arms share no doorbell table (see doorbells.ts). */
const POLL_MS = 1;
/** Y6: longest round with, then without, the exposed value when a mirror get arm exists. */
const MIRROR_ROUND_MS = 1;

/**
 * Completes exactly one arm, blocking this thread (a worker) until one can.
 * @returns `[value, chan]` for a get (`undefined` once closed and drained), `[true | false,
 *   chan]` for a put (false: the channel is closed), or `[opts.default, null]`.
 * @throws {TypeError} for an arm that is not a shared channel or `[sharedChannel, value]`, a
 *   put arm on a rendezvous channel, `undefined` or an unencodable value in a put arm, or no
 *   arms and no default.
 * @throws TimeoutError (`name === 'TimeoutError'`) when `timeout` ms passed first.
 * @example
 * const [value, from] = selectSync([numbers, events], { timeout: 100 });
 */
export function selectSync(ops: ReadonlyArray<SyncSelectArm>, opts?: SyncSelectOptions): [unknown, SharedChan<any> | null] {
  validate(ops);
  const timeout = timeoutOf('selectSync', opts);
  const priority = opts?.priority === true;
  const hasDefault = opts !== undefined && opts !== null && 'default' in opts; // as select() does
  if (ops.length === 0 && !hasDefault) {
    throw new TypeError('selectSync: no arms and no default: nothing could ever complete');
  }
  // Pass 1 allocates nothing: most selects in a busy loop end here.
  const ready = tryOps(ops, priority);
  if (ready !== null) return ready;
  if (hasDefault) return [opts!.default, null];
  assertCanBlock('selectSync');
  const all = ops.map(armOf);
  // Y4: the rendezvous put arm, if any, is served by exposing its value, not by tries.
  const rendezvous = all.find((a) => a.put && a.ch.twoPhasePut) ?? null;
  const arms = rendezvous === null ? all : all.filter((a) => a !== rendezvous);
  const order = arms.map((_, i) => i);
  let r: [unknown, SharedChan<any>] | null;
  const start = performance.now();
  const deadline = timeout === undefined ? Infinity : start + timeout;
  const spinUntil = Math.min(start + SPIN_MICROS / 1000, deadline);
  while (performance.now() < spinUntil) {
    r = tryArms(arms, order, priority);
    if (r !== null) return r;
  }
  const table = commonTable(all);
  const slot = table === null ? -1 : table.take();
  const exposure = rendezvous === null ? null : new Exposure(rendezvous);
  const mirror = rendezvous === null ? null : (all.find((a) => !a.put && a.ch === rendezvous.ch) ?? null);
  let offerNext = true; // Y6: with a mirror, rounds alternate, starting with one that offers
  try {
    for (;;) {
      if (exposure !== null) {
        r = exposure.takeBack(); // Y4: before any other arm may commit; Y5: before the doorbell is read
        if (r !== null) return r;
      }
      const epoch = slot >= 0 ? table!.epoch(slot) : Atomics.load(all[0]!.words, IDX_RX_EPOCH);
      for (const arm of all) register(arm, slot);
      // shared-port.ts H8: this thread is blocked, so this select serves its other parked
      // operations, as part of the re-check (after the doorbell is read, or a change between
      // would be missed). Serving them commits only to make progress (a parked two-phase get
      // claims only when there is a value, H9), so a ring of this select's own bits that it
      // causes ends one sleep, not every sleep.
      for (const arm of all) arm.ch.serveParked();
      r = tryArms(arms, order, priority);
      if (r !== null) return r;
      let napMs = SAFETY_TIMEOUT_MS;
      if (exposure !== null && mirror === null) {
        r = exposure.offer();
        if (r !== null) return r;
      } else if (exposure !== null && mirror !== null) {
        napMs = MIRROR_ROUND_MS;
        const offering = offerNext;
        offerNext = !offerNext;
        if (offering) {
          if (slot >= 0) unregister(mirror, slot); // Y5
          r = exposure.offer();
          if (r !== null) return r;
          if (!exposure.exposed) {
            if (slot >= 0) register(mirror, slot);
            if (mirror.ch['ring'].length > 0) continue; // a value the mirror may take: try now
          }
        }
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        r = exposure?.takeBack() ?? null; // taken at the deadline: the transfer happened
        if (r !== null) return r;
        throw new TimeoutError('selectSync', timeout!);
      }
      if (slot >= 0) table!.sleep(slot, epoch, Math.min(left, napMs));
      else {
        // No doorbell: poll every POLL_MS, waking early on a put into the first arm's channel.
        // With a value exposed, the epoch is read again now: its offer may have bumped it (Y5).
        const words = all[0]!.words;
        const seen = exposure === null ? epoch : Atomics.load(words, IDX_RX_EPOCH);
        Atomics.wait(words, IDX_RX_EPOCH, seen, Math.min(left, POLL_MS));
      }
    }
  } finally {
    exposure?.takeBack(); // nothing stays exposed once we return or throw (a no-op by now)
    if (slot >= 0) {
      for (const arm of all) unregister(arm, slot); // Y3, before the slot is free
      table!.release(slot);
    }
  }
}

/** Y4: the value of a rendezvous put arm, while it waits in the ring for a taker. */
class Exposure {
  /** Its position in the ring while exposed, else -1. */
  private pos = -1;

  constructor(private readonly arm: Arm) {}

  /** True while the value waits in the ring. */
  get exposed(): boolean {
    return this.pos >= 0;
  }

  /**
   * Puts the value into the ring, unless this thread's own parked puts on the channel come
   * first (shared-port.ts H1) or the ring holds another value. Those puts are served here
   * first (H8): this thread is blocked, so its event loop, which would otherwise serve them,
   * cannot run, and until they are done this value could never be offered. @returns
   * `[false, ch]` if the channel is closed, else null.
   */
  offer(): [unknown, SharedChan<any>] | null {
    const ch = this.arm.ch;
    if ((ch['putq'].length > 0 || ch['handoffs'].length > 0) && !ch['servePuts']()) return null;
    const ring = ch['ring'];
    const r = ring.putOne(this.arm.value);
    if (r === 1) this.pos = ring.reservedAt;
    return r === CLOSED ? [false, ch] : null;
  }

  /**
   * Takes the value back, or learns it was taken. @returns `[true, ch]` when a taker has it
   * (the put arm won), else null (nothing exposed any more).
   */
  takeBack(): [unknown, SharedChan<any>] | null {
    if (this.pos < 0) return null;
    const ring = this.arm.ch['ring'];
    if (ring.reclaim(this.pos)) {
      this.pos = -1;
      return null;
    }
    this.pos = -1;
    return [true, this.arm.ch]; // reserved by a taker: the transfer happened (even if not committed yet)
  }
}

/** Pass 0: throws unless every arm is a shared channel or a valid `[sharedChannel, value]`. */
function validate(ops: unknown): asserts ops is ReadonlyArray<SyncSelectArm> {
  if (!Array.isArray(ops)) throw new TypeError(`selectSync: expected an array of arms, got ${describe(ops)}`);
  let rendezvousArms = 0;
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (op instanceof SharedChan) continue;
    if (Array.isArray(op) && op.length === 2 && op[0] instanceof SharedChan) {
      const ch = op[0] as SharedChan<any>;
      if (ch.twoPhasePut && rendezvousArms++ > 0) {
        throw new TypeError(
          `selectSync: arm ${i} is a second put arm on a rendezvous (capacity 0) shared channel; a select may have one ` +
            '(its value waits where another thread may take it): give the others a capacity',
        );
      }
      ch.checkPut(op[1], `selectSync: arm ${i}`);
      continue;
    }
    throw new TypeError(
      `selectSync: arm ${i} must be a shared channel (a get) or [sharedChannel, value] (a put), got ${describe(op)}; ` +
        'selectSync blocks the thread, so an in-thread channel could never become ready: use select() for those',
    );
  }
}

function armOf(op: SyncSelectArm): Arm {
  if (op instanceof SharedChan) return { ch: op, put: false, value: undefined, words: headerOf(op) };
  return { ch: op[0], put: true, value: op[1], words: headerOf(op[0]) };
}

/** Scratch permutation of pass 1 (selectSync never re-enters itself: it runs no user code). */
let scratchOrder: number[] = [];

/** Pass 1 on the raw arms, allocating nothing: the first that completes now, else null. */
function tryOps(ops: ReadonlyArray<SyncSelectArm>, priority: boolean): [unknown, SharedChan<any>] | null {
  const n = ops.length;
  let order: number[] | null = null;
  if (!priority) {
    order = n <= scratchOrder.length ? scratchOrder : (scratchOrder = new Array<number>(n));
    for (let i = 0; i < n; i++) order[i] = i;
  }
  for (let i = 0; i < n; i++) {
    let k = i;
    if (order !== null) {
      const j = i + Math.floor(Math.random() * (n - i)); // lazy Fisher–Yates: draw as reached
      k = order[j]!;
      order[j] = order[i]!;
      order[i] = k;
    }
    const op = ops[k]!;
    if (op instanceof SharedChan) {
      const r = op.tryGet();
      if (r !== NOT_READY) return [r, op];
    } else {
      const r = op[0].tryPut(op[1]);
      if (r !== NOT_READY) return [r, op[0]];
    }
  }
  return null;
}

/** Pass 1 again while blocking: the first arm that completes now, in random (or array) order; else null. */
function tryArms(arms: readonly Arm[], order: number[], priority: boolean): [unknown, SharedChan<any>] | null {
  const n = arms.length;
  for (let i = 0; i < n; i++) {
    let k = i;
    if (!priority) {
      // Lazy Fisher–Yates: each position is drawn only when reached (most selects stop early).
      const j = i + Math.floor(Math.random() * (n - i));
      k = order[j]!;
      order[j] = order[i]!;
      order[i] = k;
    }
    const arm = arms[k]!;
    if (arm.put) {
      const r = arm.ch.tryPut(arm.value);
      if (r !== NOT_READY) return [r, arm.ch];
    } else {
      const r = arm.ch.tryGet();
      if (r !== NOT_READY) return [r, arm.ch];
    }
  }
  return null;
}

function register(arm: Arm, slot: number): void {
  const w = arm.words;
  if (slot >= 0) Atomics.or(w, (arm.put ? IDX_TX_SELECT_MASK : IDX_RX_SELECT_MASK) + (slot >> 5), 1 << (slot & 31));
  Atomics.store(w, arm.put ? IDX_TX_WAITING : IDX_RX_WAITING, 1);
}

function unregister(arm: Arm, slot: number): void {
  Atomics.and(arm.words, (arm.put ? IDX_TX_SELECT_MASK : IDX_RX_SELECT_MASK) + (slot >> 5), ~(1 << (slot & 31)));
}

/** The doorbell table every arm's channel rings, or null when they do not share one. */
function commonTable(arms: readonly Arm[]): DoorbellTable | null {
  const first = tableOfChan(arms[0]!.ch);
  if (first === null) return null;
  for (const arm of arms) if (tableOfChan(arm.ch)?.id !== first.id) return null;
  return first;
}

function headerOf(ch: SharedChan<any>): Int32Array {
  return ch['ring'].words;
}

function tableOfChan(ch: SharedChan<any>): DoorbellTable | null {
  return ch['ring'].doorbells;
}
