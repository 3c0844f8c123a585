/**
 * The Promise facade of every channel flavor: `put`, `get`, `offer`, `poll` and async
 * iteration written once on the port protocol, so both flavors behave the same by
 * construction. `put` and `get` are one-arm selects: pass 1 (`tryPut`/`tryGet`), then, if not
 * ready, a parked one-arm waiter (./single.ts). A flavor extends `ChanFacade` and implements
 * the port protocol and `close`.
 *
 * The combinator methods (`ch.map(f).filter(p)`) are plain methods whose bodies call the
 * free functions of src/ops, rather than methods patched onto the prototype by ops: the
 * package is `"sideEffects": false`, so a bundler would drop such a patching import. This
 * makes an import cycle (ops -> core/chan -> here -> ops), which is safe because the ops
 * bindings are used only inside method bodies, never while the modules are evaluated.
 */
import { signalOf } from '../errors.js';
import { ChanIterator } from '../internal/iterator.js';
import { lateStage } from '../internal/late-ops.js';
import {
  NOT_READY,
  PORT,
  type Chan,
  type GetWaiter,
  type NotReady,
  type Port,
  type PutWaiter,
  type WaitOptions,
} from '../protocol.js';
import { parkGet, parkPut } from './single.js';
import * as ops from '../ops/index.js';
import type {
  CloseOptions,
  FnStageOptions,
  MapOptions,
  Mult,
  ParallelPipeChainOptions,
  Pub,
  PubOptions,
  SplitOptions,
  StageOptions,
} from '../protocol.js';

/** Shared settled promises: the put fast path allocates nothing. */
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

export function put<T>(port: Port<T>, value: T, opts: WaitOptions | undefined): Promise<boolean> {
  port.checkPut(value, 'put');
  const signal = opts === undefined ? undefined : signalOf('put', opts);
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  const r = port.tryPut(value);
  if (r === true) return RESOLVED_TRUE;
  if (r === false) return RESOLVED_FALSE;
  return parkPut(port, value, signal);
}

export function get<T>(port: Port<T>, opts: WaitOptions | undefined): Promise<T | undefined> {
  const signal = opts === undefined ? undefined : signalOf('get', opts);
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  let r: T | undefined | NotReady;
  try {
    r = port.tryGet();
  } catch (err) {
    return Promise.reject(err); // a message that could not be decoded (shared-chan.ts H6)
  }
  if (r !== NOT_READY) return Promise.resolve(r);
  return parkGet(port, signal);
}

export function offer<T>(port: Port<T>, value: T): boolean {
  port.checkPut(value, 'offer');
  return port.tryPut(value) === true;
}

export function poll<T>(port: Port<T>): T | undefined {
  const r = port.tryGet();
  return r === NOT_READY ? undefined : r;
}

/** The Chan API on top of a flavor's port protocol. */
export abstract class ChanFacade<T> implements Chan<T>, Port<T> {
  readonly [PORT] = true as const;
  abstract readonly selectablePut: boolean;
  abstract readonly closed: boolean;
  abstract close(): void;
  abstract tryGet(): T | undefined | NotReady;
  abstract tryPut(value: T): boolean | NotReady;
  abstract parkGet(waiter: GetWaiter<T>): void;
  abstract parkPut(waiter: PutWaiter<T>): void;
  abstract withdrawGet(waiter: GetWaiter<T>): boolean;
  abstract withdrawPut(waiter: PutWaiter<T>): boolean;
  abstract checkPut(value: unknown, where: string): void;

  put(value: T, opts?: WaitOptions): Promise<boolean> {
    return put(this, value, opts);
  }

  get(opts?: WaitOptions): Promise<T | undefined> {
    return get(this, opts);
  }

  offer(value: T): boolean {
    return offer(this, value);
  }

  poll(): T | undefined {
    return poll(this);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ChanIterator<T>(this);
  }

  // ---- combinators: each is the src/ops function of the same name, with this as input ----

  map<U>(f: (value: T) => U, opts?: MapOptions<T, U> & { flatten?: false }): Chan<U>;
  map<U>(f: (value: T) => Iterable<U>, opts: MapOptions<T, U> & { flatten: true }): Chan<U>;
  map<U>(f: (value: T) => any, opts?: MapOptions<T, U>): Chan<U> {
    return ops.map<T, U>(this, f, opts as MapOptions<T, U> & { flatten?: false });
  }
  filter(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
    return ops.filter(this, p, opts);
  }
  take(n: number, opts?: StageOptions<T>): Chan<T> {
    return ops.take(this, n, opts);
  }
  drop(n: number, opts?: StageOptions<T>): Chan<T> {
    return ops.drop(this, n, opts);
  }
  takeWhile(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
    return ops.takeWhile(this, p, opts);
  }
  dropWhile(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
    return ops.dropWhile(this, p, opts);
  }
  group(n: number, opts?: StageOptions<T[]>): Chan<T[]> {
    return ops.group(this, n, opts);
  }
  groupBy<K>(f: (value: T) => K, opts?: StageOptions<[K, T[]]>): Chan<[K, T[]]> {
    return ops.groupBy(this, f, opts);
  }
  distinct(opts?: StageOptions<T>): Chan<T> {
    return ops.distinct(this, opts);
  }
  reduce<A>(f: (acc: A, value: T) => A, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
  reduce(f: (acc: T, value: T) => T, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
  reduce<A>(f: (acc: A, value: T) => A, init?: A, opts?: FnStageOptions<T, A>): Chan<A> {
    return ops.reduce<T, A>(this, f, init as A, opts);
  }
  scan<A>(f: (acc: A, value: T) => A, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
  scan(f: (acc: T, value: T) => T, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
  scan<A>(f: (acc: A, value: T) => A, init?: A, opts?: FnStageOptions<T, A>): Chan<A> {
    return ops.scan<T, A>(this, f, init as A, opts);
  }
  collect(n?: number): Promise<T[]> {
    return ops.collect(this, n);
  }
  pipe<C extends Chan<T>>(to: C, opts?: CloseOptions): C {
    return ops.pipe(this, to, opts);
  }
  onto(items: Iterable<T> | AsyncIterable<T>, opts?: CloseOptions): Promise<boolean> {
    return ops.onto(this, items, opts);
  }
  split(p: (value: T) => unknown, opts?: SplitOptions<T>): [Chan<T>, Chan<T>] {
    return ops.split(this, p, opts);
  }
  distribute(outs: readonly Chan<T>[], opts?: CloseOptions): this {
    ops.distribute(this, outs, opts);
    return this;
  }
  mult(): Mult<T> {
    return ops.mult(this);
  }
  pub<K>(topicFn: (value: T) => K, opts?: PubOptions<K>): Pub<T, K> {
    return ops.pub(this, topicFn, opts);
  }
  asyncPipe<U>(n: number, f: (value: T) => U | PromiseLike<U>, opts?: FnStageOptions<T, U>): Chan<U> {
    return ops.asyncPipe(this, n, f, opts);
  }
  asyncPipeUnordered<U>(n: number, f: (value: T) => U | PromiseLike<U>, opts?: FnStageOptions<T, U>): Chan<U> {
    return ops.asyncPipeUnordered(this, n, f, opts);
  }
  parallelPipe(this: Chan<number>, n: number, module: string | URL, opts?: ParallelPipeChainOptions): Chan<number> {
    return lateStage('parallelPipe')(this as never, n, module, opts as never) as Chan<number>;
  }
  parallelPipeUnordered(this: Chan<number>, n: number, module: string | URL, opts?: ParallelPipeChainOptions): Chan<number> {
    return lateStage('parallelPipeUnordered')(this as never, n, module, opts as never) as Chan<number>;
  }
}
