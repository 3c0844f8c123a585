/**
 * The combinator methods of every channel (`ch.map(f).filter(p)`), installed on the shared
 * base class of both flavors (./facade-base.ts). Each is the src/ops function of the same
 * name with `this` as its input.
 *
 * Why here and not in the class: ops creates channels (core/chan), and core/chan extends the
 * base class. If the class body imported ops, a program entering at a module that loads the
 * class first would evaluate core/chan's `extends` while the class was still uninitialised.
 * So the class lives in facade-base.ts, which imports nothing of the kind, and this module
 * adds the methods. The flavors import `ChanFacade` from here (a re-export), which keeps this
 * module in any bundle despite `"sideEffects": false`: the methods are always installed.
 */
// First: the class must be evaluated before ops, which loads the channel classes that extend it.
import { ChanFacade } from './facade-base.js';
import { lateStage } from '../internal/late-ops.js';
import * as ops from '../ops/index.js';
import type {
  Chan,
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

export { ChanFacade, get, offer, poll, put } from './facade-base.js';

/** `this` in a method below: the channel it was installed on. */
const self = <T>(x: ChainMethods<T>): Chan<T> => x as unknown as Chan<T>;

/** The methods, written as a class so that they read as methods; copied onto ChanFacade. */
abstract class ChainMethods<T> {
  // ---- combinators: each is the src/ops function of the same name, with this as input ----

  map<U>(f: (value: T) => U, opts?: MapOptions<T, U> & { flatten?: false }): Chan<U>;
  map<U>(f: (value: T) => Iterable<U>, opts: MapOptions<T, U> & { flatten: true }): Chan<U>;
  map<U>(f: (value: T) => any, opts?: MapOptions<T, U>): Chan<U> {
    return ops.map<T, U>(self(this), f, opts as MapOptions<T, U> & { flatten?: false });
  }
  filter(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
    return ops.filter(self(this), p, opts);
  }
  take(n: number, opts?: StageOptions<T>): Chan<T> {
    return ops.take(self(this), n, opts);
  }
  drop(n: number, opts?: StageOptions<T>): Chan<T> {
    return ops.drop(self(this), n, opts);
  }
  takeWhile(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
    return ops.takeWhile(self(this), p, opts);
  }
  dropWhile(p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
    return ops.dropWhile(self(this), p, opts);
  }
  group(n: number, opts?: StageOptions<T[]>): Chan<T[]> {
    return ops.group(self(this), n, opts);
  }
  groupBy<K>(f: (value: T) => K, opts?: StageOptions<[K, T[]]>): Chan<[K, T[]]> {
    return ops.groupBy(self(this), f, opts);
  }
  distinct(opts?: StageOptions<T>): Chan<T> {
    return ops.distinct(self(this), opts);
  }
  reduce<A>(f: (acc: A, value: T) => A, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
  reduce(f: (acc: T, value: T) => T, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
  reduce<A>(f: (acc: A, value: T) => A, init?: A, opts?: FnStageOptions<T, A>): Chan<A> {
    return ops.reduce<T, A>(self(this), f, init as A, opts);
  }
  scan<A>(f: (acc: A, value: T) => A, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
  scan(f: (acc: T, value: T) => T, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
  scan<A>(f: (acc: A, value: T) => A, init?: A, opts?: FnStageOptions<T, A>): Chan<A> {
    return ops.scan<T, A>(self(this), f, init as A, opts);
  }
  collect(n?: number): Promise<T[]> {
    return ops.collect(self(this), n);
  }
  pipe<C extends Chan<T>>(to: C, opts?: CloseOptions): C {
    return ops.pipe(self(this), to, opts);
  }
  onto(items: Iterable<T> | AsyncIterable<T>, opts?: CloseOptions): Promise<boolean> {
    return ops.onto(self(this), items, opts);
  }
  split(p: (value: T) => unknown, opts?: SplitOptions<T>): [Chan<T>, Chan<T>] {
    return ops.split(self(this), p, opts);
  }
  distribute(outs: readonly Chan<T>[], opts?: CloseOptions): this {
    ops.distribute(self(this), outs, opts);
    return this;
  }
  mult(): Mult<T> {
    return ops.mult(self(this));
  }
  pub<K>(topicFn: (value: T) => K, opts?: PubOptions<K>): Pub<T, K> {
    return ops.pub(self(this), topicFn, opts);
  }
  asyncPipe<U>(n: number, f: (value: T) => U | PromiseLike<U>, opts?: FnStageOptions<T, U>): Chan<U> {
    return ops.asyncPipe(self(this), n, f, opts);
  }
  asyncPipeUnordered<U>(n: number, f: (value: T) => U | PromiseLike<U>, opts?: FnStageOptions<T, U>): Chan<U> {
    return ops.asyncPipeUnordered(self(this), n, f, opts);
  }
  parallelPipe(this: Chan<number>, n: number, module: string | URL, opts?: ParallelPipeChainOptions): Chan<number> {
    return lateStage('parallelPipe')(this as never, n, module, opts as never) as Chan<number>;
  }
  parallelPipeUnordered(this: Chan<number>, n: number, module: string | URL, opts?: ParallelPipeChainOptions): Chan<number> {
    return lateStage('parallelPipeUnordered')(this as never, n, module, opts as never) as Chan<number>;
  }
}

for (const name of Object.getOwnPropertyNames(ChainMethods.prototype)) {
  if (name !== 'constructor') Object.defineProperty(ChanFacade.prototype, name, Object.getOwnPropertyDescriptor(ChainMethods.prototype, name)!);
}
