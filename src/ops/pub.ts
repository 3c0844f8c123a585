/**
 * `pub(ch, topicFn)`: routes each value to the subscribers of its topic (core.async's pub).
 *
 * One channel and one mult (./mult.ts) per topic, created by the first `sub` to it; the
 * topic's channel is buffered by `opts.buffer(topic)` (unbuffered by default, so all topics
 * move in lockstep; with buffers they proceed independently, without order across topics).
 * A value whose topic has no subscribers is dropped.
 *
 * Invariants:
 *   B1  a topic exists exactly while it has subscribers (aiochan); the last `unsub` closes
 *       its channel, whose mult then has nobody left to close.
 *   B2  when the source closes, every topic's channel closes, so every subscriber added with
 *       `close: true` closes (core.async; aiochan never closed them).
 *   B3  a failure (the source closed by a failed stage, or a throwing `topicFn`) is recorded
 *       on every topic's channel, so every subscriber fails with it (mult.ts M4).
 *   B4  once the source has ended, a new `sub` is closed at once (mult.ts M3).
 */
import { chan } from '../core/chan.js';
import { describe } from '../errors.js';
import { recordFailure } from '../internal/failure.js';
import type { BufferLike, Chan, CloseOptions, Pub, PubOptions } from '../protocol.js';
import { MultImpl } from './mult.js';
import { checkChan, checkFn, optionsOf } from './stage.js';

interface Topic<T> {
  /** The topic's channel: the pub puts into it, the mult reads it. */
  readonly ch: Chan<T>;
  readonly mult: MultImpl<T>;
}

class PubImpl<T, K> implements Pub<T, K> {
  /** topic -> its channel and mult (B1). */
  private readonly topics = new Map<K, Topic<T>>();
  /** B4: set when the source ended. */
  private ended: { failure: { err: unknown } | null } | null = null;

  constructor(
    readonly source: Chan<T>,
    private readonly topicFn: (value: T) => K,
    private readonly buffer: ((topic: K) => number | BufferLike) | undefined,
  ) {
    this.loop().then(
      () => this.end(null),
      (err: unknown) => this.end({ err }),
    );
  }

  sub<C extends Chan<T>>(topic: K, out: C, opts?: CloseOptions): C;
  sub(topic: K, out?: number | BufferLike, opts?: CloseOptions): Chan<T>;
  sub(topic: K, out?: Chan<T> | number | BufferLike, opts?: CloseOptions): Chan<T> {
    let t = this.topics.get(topic);
    if (t === undefined) {
      const spec = this.buffer === undefined ? undefined : this.buffer(topic);
      const ch = chan<T>(spec as number | undefined);
      t = { ch, mult: new MultImpl(ch) };
      if (this.ended !== null) close(ch, this.ended.failure); // B4: its mult closes the sub
      else this.topics.set(topic, t);
    }
    return t.mult.tap(out as Chan<T>, opts);
  }

  unsub<C extends Chan<T>>(topic: K, out: C): C {
    const t = this.topics.get(topic);
    if (t !== undefined) {
      t.mult.untap(out);
      if (t.mult.size === 0) this.drop(topic, t);
    }
    return out;
  }

  unsubAll(topic?: K): this {
    const which = arguments.length === 0 ? [...this.topics] : [[topic as K, this.topics.get(topic as K)] as const];
    for (const [k, t] of which) {
      if (t === undefined) continue; // unknown topic: nothing to do (aiochan raised)
      t.mult.untapAll();
      this.drop(k, t);
    }
    return this;
  }

  /** B1: forgets a topic and closes its channel. */
  private drop(topic: K, t: Topic<T>): void {
    if (this.topics.get(topic) === t) this.topics.delete(topic);
    t.ch.close();
  }

  private async loop(): Promise<void> {
    for await (const v of this.source) {
      const topic = this.topicFn(v);
      const t = this.topics.get(topic);
      if (t === undefined) continue; // no subscribers: dropped
      if (!(await t.ch.put(v)) && this.topics.get(topic) === t) this.topics.delete(topic);
    }
  }

  private end(failure: { err: unknown } | null): void {
    this.ended = { failure };
    for (const t of this.topics.values()) close(t.ch, failure); // B2, B3
    this.topics.clear();
  }
}

function close(ch: Chan<unknown>, failure: { err: unknown } | null): void {
  if (failure !== null) recordFailure(ch, failure.err);
  ch.close();
}

/** Routes each value of `ch` to the subscribers of `topicFn(value)`; see PubImpl. */
export function pub<T, K>(ch: Chan<T>, topicFn: (value: T) => K, opts?: PubOptions<K>): Pub<T, K> {
  checkChan('pub', 'ch', ch);
  checkFn('pub', 'topicFn', topicFn);
  const buffer = optionsOf('pub', opts)['buffer'];
  if (buffer !== undefined && typeof buffer !== 'function') {
    throw new TypeError(`pub: options.buffer must be a function (topic) => buffer size or spec, got ${describe(buffer)}`);
  }
  return new PubImpl(ch, topicFn, buffer as PubOptions<K>['buffer']);
}
