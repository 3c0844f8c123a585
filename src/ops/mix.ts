/**
 * `mix(out)`: merges a changing set of inputs into `out`, each input muted, paused or soloed
 * (core.async's mix; aiochan has none).
 *
 * Modes, per input (core.async):
 *   mute   the input is read, and its values dropped.
 *   pause  the input is not read.
 *   solo   when any input is soloed, only soloed inputs are forwarded; the others are muted
 *          (soloMode 'mute', the default) or paused (soloMode 'pause'). Solo wins over mute.
 *
 * Invariants:
 *   X1  the set of inputs read is recomputed from the state at the start of every round, and
 *       every state change wakes a parked round (through `change`, which a parked select
 *       takes synchronously), so after `toggle`/`unmix` returns no paused or removed input is
 *       read again.
 *   X2  a closed input is removed; one closed by a failed stage fails `out` (stage.ts G2).
 *   X3  the mix never closes `out` (it has no end of input); it stops once `out` is closed.
 *   X4  a value is forwarded or dropped by the modes of the round that took it (core.async's
 *       per-round state), not by the modes when the loop resumes a microtask later: a value
 *       whose put already returned true is not dropped by an `unmix` or a mute that came
 *       after the take.
 */
import { buffers } from '../core/buffers.js';
import { chan } from '../core/chan.js';
import { describe } from '../errors.js';
import { failureOf } from '../internal/failure.js';
import type { Chan } from '../protocol.js';
import { select } from '../select/select.js';
import { checkChan, fail } from './stage.js';

export type SoloMode = 'mute' | 'pause';

export interface MixState {
  mute?: boolean;
  pause?: boolean;
  solo?: boolean;
}

export interface Mix<T> {
  /** The channel every forwarded value is put into. */
  readonly out: Chan<T>;
  /** Adds an input (no mode set). */
  admix(ch: Chan<T>): this;
  /** Removes an input. */
  unmix(ch: Chan<T>): this;
  /** Removes every input. */
  unmixAll(): this;
  /** Merges `state` into an input's modes, adding the input if it is not mixed yet. */
  toggle(ch: Chan<T>, state: MixState): this;
  /** Several inputs at once, atomically (core.async's toggle with a map). */
  toggle(states: Iterable<readonly [Chan<T>, MixState]>): this;
  /** What soloing does to the inputs that are not soloed. */
  soloMode(mode: SoloMode): this;
}

const MODES = ['mute', 'pause', 'solo'] as const;

class MixImpl<T> implements Mix<T> {
  /** input -> its modes; insertion order is kept but selects pick at random anyway. */
  private readonly inputs = new Map<Chan<T>, Required<MixState>>();
  /** Wakes the loop when the state changes (X1); sliding(1): wake-ups never pile up. */
  private readonly change = chan<true>(buffers.sliding(1));
  private mode: SoloMode = 'mute';

  constructor(readonly out: Chan<T>) {
    this.loop().catch((err: unknown) => fail(out, err));
  }

  admix(ch: Chan<T>): this {
    checkChan('admix', 'ch', ch);
    if (!this.inputs.has(ch)) this.inputs.set(ch, { mute: false, pause: false, solo: false });
    return this.changed();
  }

  unmix(ch: Chan<T>): this {
    this.inputs.delete(ch);
    return this.changed();
  }

  unmixAll(): this {
    this.inputs.clear();
    return this.changed();
  }

  toggle(a: Chan<T> | Iterable<readonly [Chan<T>, MixState]>, state?: MixState): this {
    const entries: (readonly [Chan<T>, MixState])[] =
      state !== undefined ? [[a as Chan<T>, state]] : [...(a as Iterable<readonly [Chan<T>, MixState]>)];
    // Validate everything first, so that a bad entry changes nothing.
    entries.forEach(([ch, s], i) => {
      checkChan('toggle', `channel ${i}`, ch);
      if (typeof s !== 'object' || s === null) throw new TypeError(`toggle: state ${i} must be an object, got ${describe(s)}`);
      for (const key of Object.keys(s)) {
        const v = (s as Record<string, unknown>)[key];
        if (!(MODES as readonly string[]).includes(key)) {
          throw new TypeError(`toggle: unknown mode ${JSON.stringify(key)}; the modes are mute, pause and solo`);
        }
        if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`toggle: ${key} must be a boolean, got ${describe(v)}`);
      }
    });
    for (const [ch, s] of entries) {
      const current = this.inputs.get(ch) ?? { mute: false, pause: false, solo: false };
      for (const key of MODES) if (s[key] !== undefined) current[key] = s[key]!;
      this.inputs.set(ch, current);
    }
    return this.changed();
  }

  soloMode(mode: SoloMode): this {
    if (mode !== 'mute' && mode !== 'pause') {
      throw new TypeError(`soloMode: mode must be 'mute' or 'pause', got ${describe(mode)}`);
    }
    this.mode = mode;
    return this.changed();
  }

  private changed(): this {
    this.change.offer(true);
    return this;
  }

  private hasSolo(): boolean {
    for (const s of this.inputs.values()) if (s.solo) return true;
    return false;
  }

  /** The inputs to read this round (core.async's calc-state). */
  private reads(): Chan<T>[] {
    const soloing = this.hasSolo();
    const reads: Chan<T>[] = [];
    for (const [ch, s] of this.inputs) {
      if (soloing && this.mode === 'pause' ? s.solo : !s.pause) reads.push(ch);
    }
    return reads;
  }

  private forwards(ch: Chan<T>): boolean {
    const s = this.inputs.get(ch);
    if (s === undefined) return false;
    return s.solo || (!this.hasSolo() && !s.mute);
  }

  private async loop(): Promise<void> {
    while (!this.out.closed) {
      const reads = this.reads();
      const forwarded = reads.filter((ch) => this.forwards(ch)); // X4: this round's modes
      const [v, c] = await select([this.change, ...reads]);
      if (c === this.change) continue;
      const input = c as Chan<T>;
      if (v === undefined) {
        const failure = failureOf(input);
        if (failure !== undefined) throw failure; // X2
        this.inputs.delete(input);
        continue;
      }
      if (forwarded.includes(input) && !(await this.out.put(v as T))) return; // X3, X4
    }
  }
}

/** Merges a changing set of inputs into `out`; see MixImpl. */
export function mix<T>(out: Chan<T>): Mix<T> {
  checkChan('mix', 'out', out);
  return new MixImpl(out);
}
