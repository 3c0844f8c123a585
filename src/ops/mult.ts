/**
 * `mult(ch)`: broadcasts every value of `ch` to all taps (core.async's mult, aiochan's Dup).
 *
 * Semantics (core.async): each value is offered to every tap at once, and the next value is
 * taken only once every tap has accepted it (lockstep: the slowest tap sets the pace). A
 * value that arrives while there are no taps is dropped. A tap found closed is untapped.
 * When the source closes, taps added with `close: true` (the default) are closed.
 *
 * Invariants:
 *   M1  a value is taken from the source only when the previous one reached every tap that
 *       was tapped when it was taken and is still tapped (untapping withdraws the offer: an
 *       untapped channel never receives a value offered after `untap` returned).
 *   M2  a value is offered to the taps present when the loop resumes with it, a microtask
 *       after the take (as core.async's go loop reads its taps after `<!`): a tap added in that
 *       microtask, or while the previous value was being offered, receives it; one added
 *       later receives the next value.
 *   M3  once the source has ended, a new tap is closed at once (with the recorded failure,
 *       if the source failed), so no tap waits for values that can no longer come.
 *   M4  a failure (the source closed by a failed stage, or a value a tap refuses) fails
 *       every tap, whatever its `close` flag (stage.ts G1).
 */
import type { BufferLike, Chan, CloseOptions, Mult } from '../protocol.js';
import { checkChan, closeOf, fail, optionsOf, outputOf } from './stage.js';

/** One tap. */
interface Tap {
  /** Close the tap when the source closes. */
  readonly close: boolean;
  /** Withdraws the offer in flight to this tap (untap), or null when none is in flight. */
  abort: AbortController | null;
}

export class MultImpl<T> implements Mult<T> {
  /** tap channel -> its state; insertion order is offer order. */
  private readonly taps = new Map<Chan<T>, Tap>();
  /** M3: set when the loop ended. */
  private ended: { failure: { err: unknown } | null } | null = null;

  constructor(readonly source: Chan<T>) {
    this.loop().then(
      () => this.end(null),
      (err: unknown) => this.end({ err }),
    );
  }

  /** Taps present right now. Staleness: none, single thread. */
  get size(): number {
    return this.taps.size;
  }

  tap<C extends Chan<T>>(out: C, opts?: CloseOptions): C;
  tap(out?: number | BufferLike, opts?: CloseOptions): Chan<T>;
  tap(out?: Chan<T> | number | BufferLike, opts?: CloseOptions): Chan<T> {
    const close = closeOf('tap', optionsOf('tap', opts));
    const ch = outputOf<T>('tap', out, 'out');
    if (this.ended !== null) {
      // M3
      if (this.ended.failure !== null) fail(ch, this.ended.failure.err);
      else if (close) ch.close();
      return ch;
    }
    if (!this.taps.has(ch)) this.taps.set(ch, { close, abort: null });
    return ch;
  }

  untap<C extends Chan<T>>(out: C): C {
    const tap = this.taps.get(out);
    if (tap !== undefined) {
      this.taps.delete(out);
      tap.abort?.abort(); // M1
    }
    return out;
  }

  untapAll(): this {
    for (const ch of [...this.taps.keys()]) this.untap(ch);
    return this;
  }

  private async loop(): Promise<void> {
    for await (const v of this.source) {
      if (this.taps.size === 0) continue; // nobody listens: the value is dropped
      await Promise.all(Array.from(this.taps, ([ch, tap]) => this.offer(ch, tap, v))); // M1, M2
    }
  }

  /** Offers `v` to one tap; untaps it if it turns out closed. */
  private async offer(ch: Chan<T>, tap: Tap, v: T): Promise<void> {
    const abort = new AbortController();
    tap.abort = abort;
    let ok: boolean;
    try {
      ok = await ch.put(v, { signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) return; // untapped while offered
      throw err;
    } finally {
      if (tap.abort === abort) tap.abort = null;
    }
    if (!ok && this.taps.get(ch) === tap) this.taps.delete(ch);
  }

  private end(failure: { err: unknown } | null): void {
    this.ended = { failure };
    const taps = [...this.taps];
    this.taps.clear();
    for (const [ch, tap] of taps) {
      tap.abort?.abort(); // a failed offer leaves its siblings in flight
      if (failure !== null) fail(ch, failure.err); // M4
      else if (tap.close) ch.close();
    }
  }
}

/** Broadcasts every value of `ch` to all taps; see MultImpl. */
export function mult<T>(ch: Chan<T>): Mult<T> {
  checkChan('mult', 'ch', ch);
  return new MultImpl(ch);
}
