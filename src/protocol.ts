/**
 * The port protocol: what a channel must do so that `select`, `get()` and `put()` can drive it.
 *
 * Every channel flavor (the in-thread `Channel` today, the SharedArrayBuffer channel later)
 * implements `Port`. `select` speaks only this protocol, so one select can mix flavors.
 * The protocol has the three passes of Go's `selectgo`:
 *
 *   pass 1  `tryGet` / `tryPut`: complete now if the channel is ready, else report NOT_READY.
 *           Nothing is registered.
 *   pass 2  `parkGet` / `parkPut`: register a waiter. Its `flag` is shared with the sibling
 *           arms of the same select; whichever channel commits the flag first wins.
 *   pass 3  `withdrawGet` / `withdrawPut`: remove a waiter that lost, was aborted, or was
 *           registered by a select that failed while registering its other arms.
 *
 * Contracts (MUST / MAY in RFC 2119 sense):
 *   P1  A port MUST set `waiter.flag.done = true` before calling `completeGet`/`completePut`,
 *       MUST call exactly one of them at most once per waiter, and MUST NOT commit a waiter
 *       whose `flag.done` is already true.
 *   P2  A port MUST leave its own state consistent before calling `complete*`: the callback
 *       may re-enter the port (a select withdraws its sibling arms, which may sit in the very
 *       same queue: `select([c, c])`).
 *   P3  `complete*` callbacks MUST NOT run user code synchronously; they settle promises
 *       (whose reactions run later, on the microtask queue) and withdraw sibling arms.
 *   P4  `tryGet` returns the value, `undefined` when closed and drained, or NOT_READY.
 *       `tryPut` returns `true` when the value was transferred, `false` when the channel is
 *       closed (the value is discarded), or NOT_READY. Neither registers anything.
 *   P5  `park*` MAY complete the waiter synchronously (a cross-thread port re-checks after it
 *       registers); callers MUST check `flag.done` after each park. `park*` throws
 *       `PendingLimitError` when MAX_PENDING live waiters of that direction are queued.
 *   P6  `withdraw*` of a waiter that is not queued (never parked, already completed or
 *       already withdrawn) MUST be a no-op. `withdraw*` returns false only when it is too late:
 *       the transfer already happened and the port will complete the waiter (a cross-thread
 *       rendezvous put whose value a consumer has already reserved). In-thread ports always
 *       return true.
 *   P7  A port MUST NOT pair a put waiter with a get waiter that share one flag (a select
 *       never pairs with itself). In-thread this holds by construction: pass 1 runs before
 *       anything is parked and pass 2 never matches, so a select's own waiters never meet.
 *   P8  Two-phase commit (a select with a put arm on a cross-thread rendezvous channel, whose
 *       value sits where another thread may take it at any moment): when `waiter.flag.claim`
 *       is defined, a port MUST call it right before it commits the waiter (before any value
 *       moves). `false` means the select is being completed through another arm: the port
 *       MUST NOT commit this waiter; it drops it from its queue (the select withdraws it
 *       soon, a no-op then, P6) and goes on as if it had not been there. A port that called
 *       `claim()` and then cannot complete the transfer after all MUST call `unclaim()`.
 */

/** Returned by `tryGet`/`tryPut` when the operation cannot complete now. */
export const NOT_READY: unique symbol = Symbol('sabchan.notReady');
export type NotReady = typeof NOT_READY;

/** Brand that marks an object as a channel speaking this protocol (see `isPort`). */
export const PORT: unique symbol = Symbol.for('sabchan.port');

/** At most this many live pending gets, and as many puts, per channel (core.async's limit). */
export const MAX_PENDING = 1024;

/** The commit-once flag shared by all arms of one operation (core.async's alt-flag). */
export interface Flag {
  /** Set once, by the port that commits the operation or by its abort/default path. */
  done: boolean;
  /** P8: present only on selects that need a two-phase commit. */
  claim?(): boolean;
  /** P8: undoes a `claim()` whose commit did not happen. */
  unclaim?(): void;
}

/**
 * P8 for ports: true when the port may commit `waiter` now (its flag has no claim step, or the
 * claim succeeded).
 */
export function claimed(waiter: { readonly flag: Flag }): boolean {
  const flag = waiter.flag;
  return flag.claim === undefined || flag.claim();
}

/** Intrusive links, so a wait queue needs no node allocation and removal is O(1). */
export interface Linked<W> {
  /** Next waiter in the queue that holds this one, or null. Owned by the queue. */
  next: W | null;
  /** Previous waiter, or null. Owned by the queue. */
  prev: W | null;
  /** True while the waiter sits in a queue. Owned by the queue. */
  queued: boolean;
}

/** A parked get: one arm of a select, or a plain `get()`. */
export interface GetWaiter<T = unknown> extends Linked<GetWaiter<T>> {
  readonly flag: Flag;
  /**
   * Delivers the value (`undefined`: the channel closed). Called after `flag.done = true`.
   * `late`: fulfil one microtask late, because the completing party can make progress right
   * away (buffer space or values it can use next); see select/settle.ts.
   */
  completeGet(value: T | undefined, late: boolean): void;
  /**
   * Settles the get with an error instead of a value: the message this get took could not be
   * decoded (a cross-thread object channel whose codec threw). Called after `flag.done = true`,
   * like `completeGet`; the get's promise rejects with `reason`.
   */
  failGet(reason: unknown): void;
}

/** A parked put: one arm of a select, or a plain `put()`. `late` as for GetWaiter. */
export interface PutWaiter<T = unknown> extends Linked<PutWaiter<T>> {
  readonly flag: Flag;
  /** The value to hand over; never `undefined`. */
  readonly value: T;
  /** `true`: the value was taken; `false`: discarded because the channel closed. */
  completePut(ok: boolean, late: boolean): void;
}

/** What `select` needs from a channel. Internal: users see `Chan<T>`. */
export interface Port<T = unknown> {
  readonly [PORT]: true;
  tryGet(): T | undefined | NotReady;
  tryPut(value: T): boolean | NotReady;
  parkGet(waiter: GetWaiter<T>): void;
  parkPut(waiter: PutWaiter<T>): void;
  withdrawGet(waiter: GetWaiter<T>): boolean;
  withdrawPut(waiter: PutWaiter<T>): boolean;
  /**
   * True when a select put arm on this port needs the two-phase commit of P8 (a cross-thread
   * rendezvous: the value waits in shared memory, where another thread may take it). A select
   * may have at most one such arm.
   */
  readonly twoPhasePut?: boolean;
  /**
   * P8, ports with `twoPhasePut`: the claim of a select's put arm. Takes the arm's value back
   * out of shared memory if it is there, keeping the arm first in line among this thread's
   * puts. 'taken': too late, a taker has it (the arm completes). 'recalled': taken back.
   * 'idle': its value was not out there (queued, or not parked): nothing changed.
   */
  recallPut?(waiter: PutWaiter<T>): 'taken' | 'recalled' | 'idle';
  /** P8: the unclaim after a 'recalled': offers the parked puts again, that arm first. */
  reofferPuts?(): void;
  /**
   * Throws (TypeError / RangeError) unless `value` may be put here: `select` calls it for
   * every put arm in pass 0, so that a bad value stops the select before any arm acts.
   */
  checkPut(value: unknown, where: string): void;
}

/** Options every waiting operation accepts. */
export interface WaitOptions {
  /** Withdraws the operation when aborted; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * A channel, as users see it. `undefined` is the closed marker and can never be put.
 * Every flavor implements this interface with the same semantics (API.md section 2).
 */
export interface Chan<T> extends AsyncIterable<T>, ChainOps<T> {
  /**
   * Puts a value, waiting for buffer space or a getter.
   * **Cancel safety** If `signal` aborts first, the value is never delivered.
   * @returns `true` once the value was handed over or buffered, `false` if the channel was
   *   already closed (the value is discarded).
   * @throws {TypeError} synchronously, for `undefined` or bad options.
   */
  put(value: T, opts?: WaitOptions): Promise<boolean>;
  /**
   * Takes the next value, waiting until one is available or the channel is closed and drained.
   * **Cancel safety** If `signal` aborts first, nothing was taken from the channel.
   * @returns the value, or `undefined` once the channel is closed and drained.
   */
  get(opts?: WaitOptions): Promise<T | undefined>;
  /** Puts only if the value can be transferred now; never enqueues. `false` when closed. */
  offer(value: T): boolean;
  /** Takes a value available now (buffered or from a pending put), else `undefined`. */
  poll(): T | undefined;
  /** Closes the channel (idempotent). Values already sent stay deliverable. */
  close(): void;
  /** `true` from the moment `close()` was called. */
  readonly closed: boolean;
  /**
   * Yields values until the channel is closed and drained. If a pipeline stage failed while
   * writing into this channel (see `pipelineError`), the loop throws that stage's error once
   * everything sent before the failure has been yielded.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T>;
}

/**
 * The combinators as methods of every channel (src/ops/; each method is the free function of
 * the same name). Part of `Chan<T>`; select/facade.ts installs them on every flavor.
 */
export interface ChainOps<T> {

  /**
   * Emits `f(v)` for every value (with `flatten: true`, `f` returns an iterable whose items
   * are emitted one by one). `f` returning `undefined` is an error (the closed marker).
   */
  map<U>(f: (value: T) => U, opts?: MapOptions<T, U> & { flatten?: false }): Chan<U>;
  map<U>(f: (value: T) => Iterable<U>, opts: MapOptions<T, U> & { flatten: true }): Chan<U>;
  /** Emits the values for which `p` returns a truthy result. */
  filter(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T>;
  /** Emits at most `n` values, then closes the output; never takes more than `n`. */
  take(n: number, opts?: StageOptions<T>): Chan<T>;
  /** Skips the first `n` values, then emits the rest. */
  drop(n: number, opts?: StageOptions<T>): Chan<T>;
  /** Emits values while `p` holds; the first failing value is taken and discarded. */
  takeWhile(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T>;
  /** Skips values while `p` holds, then emits the rest (the first failing one included). */
  dropWhile(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T>;
  /** Emits arrays of `n` values; the last may be shorter. */
  group(n: number, opts?: StageOptions<T[]>): Chan<T[]>;
  /** Emits `[key, run]` for each run of consecutive values with the same `f(value)`. */
  groupBy<K>(f: (value: T) => K, opts?: StageOptions<[K, T[]]>): Chan<[K, T[]]>;
  /** Drops consecutive duplicates (SameValueZero): 1,1,2,1 gives 1,2,1. */
  distinct(opts?: StageOptions<T>): Chan<T>;
  /**
   * A channel that yields one value, the fold of every input value, once the input closes.
   * Without `init` the first value seeds the fold, and an empty input yields nothing.
   */
  reduce<A>(f: (acc: A, value: T) => A, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
  reduce(f: (acc: T, value: T) => T, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
  /** Emits the seed (`init`, or the first value), then every accumulator. */
  scan<A>(f: (acc: A, value: T) => A, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
  scan(f: (acc: T, value: T) => T, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
  /**
   * Takes values until the channel is closed and drained (or `n` were taken).
   * @returns the values; rejects with the failure if a stage writing into this channel failed.
   */
  collect(n?: number): Promise<T[]>;
  /** Copies every value into `to`, closing it when this channel closes (unless `close: false`). */
  pipe<C extends Chan<T>>(to: C, opts?: CloseOptions): C;
  /**
   * Puts the items of a sync or async iterable into this channel, in order, then closes it
   * (unless `close: false`).
   * @returns `true` once every item was put, `false` if the channel closed first; rejects
   *   (after failing the channel) if the iterable throws.
   */
  onto(items: Iterable<T> | AsyncIterable<T>, opts?: CloseOptions): Promise<boolean>;
  /** Routes each value to the first channel if `p` holds, else to the second. */
  split(p: (value: T) => unknown, opts?: SplitOptions<T>): [Chan<T>, Chan<T>];
  /**
   * Hands each value to whichever of `outs` takes it first; a closed output is dropped and
   * the value retried on the others. Closes the outputs when this channel closes.
   * @returns this channel.
   */
  distribute(outs: readonly Chan<T>[], opts?: CloseOptions): this;
  /** Broadcasts every value to all taps, waiting for all of them before the next value. */
  mult(): Mult<T>;
  /** Routes every value to the subscribers of its topic, `topicFn(value)`. */
  pub<K>(topicFn: (value: T) => K, opts?: PubOptions<K>): Pub<T, K>;
  /** Emits `await f(v)` in input order, with at most `n` calls of `f` running at once. */
  asyncPipe<U>(n: number, f: (value: T) => U | PromiseLike<U>, opts?: FnStageOptions<T, U>): Chan<U>;
  /** As `asyncPipe`, but emits each result as soon as it is ready (completion order). */
  asyncPipeUnordered<U>(n: number, f: (value: T) => U | PromiseLike<U>, opts?: FnStageOptions<T, U>): Chan<U>;
  /**
   * `parallelPipe(this, n, module, opts)`: runs `module`'s export over every value on a pool
   * of `n` worker threads; results in input order, in a shared f64 channel. (Objects with a
   * codec: the function form, `parallelPipe(input, n, module, { codec })`.)
   */
  parallelPipe(this: Chan<number>, n: number, module: string | URL, opts?: ParallelPipeChainOptions): Chan<number>;
  /** As `parallelPipe`, emitting each result as soon as it is ready. */
  parallelPipeUnordered(this: Chan<number>, n: number, module: string | URL, opts?: ParallelPipeChainOptions): Chan<number>;
}

/**
 * The options of `ch.parallelPipe(...)`: those of `parallelPipe` (src/shared/pool), written
 * here structurally because this file imports nothing.
 */
export interface ParallelPipeChainOptions {
  /** The module export to run (default `'default'`); sync or async. */
  exportName?: string;
  /** Maps a failed value to one to emit instead (`undefined` drops it); main thread. */
  onError?(err: unknown, value: number): unknown;
  /** Values in flight per worker at most (default 128). */
  window?: number;
  /** Capacity of the output channel (default 1024). */
  buffer?: number;
}

// ---- combinator option types (src/ops/) ---------------------------------------------------

/** A `buffers.fixed|sliding|dropping(n)` spec (structurally; core/buffers.ts makes them). */
export interface BufferLike {
  readonly kind: 'fixed' | 'sliding' | 'dropping';
  readonly size: number;
}

/** Where a combinator writes: a channel of any flavor, or a buffer for a new `chan(...)`. */
export type OutSpec<U> = Chan<U> | number | BufferLike;

export interface CloseOptions {
  /** Close the output when the input ends (default `true`). A failure closes it regardless. */
  close?: boolean;
}

export interface StageOptions<U> extends CloseOptions {
  /** The output: a channel, or a buffer for a new one. Default: a new unbuffered `chan()`. */
  out?: OutSpec<U>;
}

export interface FnStageOptions<T, U> extends StageOptions<U> {
  /**
   * core.async's ex-handler: called when the stage's function throws or rejects for `value`.
   * Its result is emitted instead (for `reduce`/`scan`: becomes the accumulator); `undefined`
   * drops the value. Without it, the stage fails: it records the error on its output
   * (`pipelineError`) and closes it.
   */
  onError?(err: unknown, value: T): U | undefined;
}

export interface MapOptions<T, U> extends FnStageOptions<T, U> {
  /** `f` returns an iterable; emit its items one by one. */
  flatten?: boolean;
}

export interface SplitOptions<T> extends CloseOptions {
  /** The `[true, false]` outputs (channels or buffers). Default: two new `chan()`s. */
  out?: readonly [OutSpec<T>, OutSpec<T>];
}

export interface PubOptions<K> {
  /** Buffer of each topic's channel (core.async's buf-fn): topics then proceed independently. */
  buffer?: (topic: K) => number | BufferLike;
}

/** `ch.mult()`: every value to every tap (core.async's mult, aiochan's Dup). */
export interface Mult<T> {
  /** The channel being broadcast. */
  readonly source: Chan<T>;
  /**
   * Adds a tap and returns it: `out` (a channel, or a buffer for a new one; default a new
   * `chan()`). The tap is closed when the source closes, unless `close: false`.
   */
  tap<C extends Chan<T>>(out: C, opts?: CloseOptions): C;
  tap(out?: number | BufferLike, opts?: CloseOptions): Chan<T>;
  /** Removes a tap (a value it is being offered is withdrawn) and returns it. */
  untap<C extends Chan<T>>(out: C): C;
  /** Removes every tap. */
  untapAll(): this;
}

/** `ch.pub(topicFn)`: each value to the subscribers of its topic. */
export interface Pub<T, K> {
  /** The channel being published. */
  readonly source: Chan<T>;
  /** Subscribes `out` (default a new `chan()`) to `topic` and returns it. */
  sub<C extends Chan<T>>(topic: K, out: C, opts?: CloseOptions): C;
  sub(topic: K, out?: number | BufferLike, opts?: CloseOptions): Chan<T>;
  /** Unsubscribes `out` from `topic` and returns it. */
  unsub<C extends Chan<T>>(topic: K, out: C): C;
  /** Unsubscribes everyone from `topic`, or from every topic. An unknown topic is a no-op. */
  unsubAll(topic?: K): this;
}

/** True when `x` is a channel of any flavor. */
export function isPort(x: unknown): x is Port & Chan<unknown> {
  return typeof x === 'object' && x !== null && (x as { [PORT]?: unknown })[PORT] === true;
}
