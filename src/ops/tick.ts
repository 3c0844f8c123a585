/**
 * `tickTock(ms)`: emits `[n, timeMs]` for n = 1, 2, 3, ... on an absolute schedule: ticks
 * fall on the slots `start + k * ms` (no drift: a late timer does not shift later ticks).
 * `timeMs` is `performance.now()` when the tick was sent.
 *
 * Backpressure: a tick waits to be taken (aiochan queued them without bound instead). Slots
 * that pass while a tick waits, or while the timer is late, are skipped: the next tick falls
 * on the next slot still ahead, so a slow consumer never gets a burst of stale ticks. `n`
 * counts the ticks sent (as aiochan's), not the slots; `timeMs` shows any gap.
 * The timer keeps the process alive: close the channel to stop it (the stage notices at the
 * next tick, G4).
 */
import { describe } from '../errors.js';
import type { Chan, StageOptions } from '../protocol.js';
import { closeOf, optionsOf, outputOf, run } from './stage.js';

const sleepUntil = (deadline: number): Promise<void> =>
  new Promise((resolve) => {
    const wait = (): void => {
      const left = deadline - performance.now();
      if (left > 0) setTimeout(wait, Math.ceil(left)); // timers may fire a little early
      else resolve();
    };
    wait();
  });

export function tickTock(ms: number, opts?: StageOptions<[number, number]>): Chan<[number, number]> {
  if (typeof ms !== 'number') throw new TypeError(`tickTock: ms must be a number, got ${describe(ms)}`);
  if (!(ms > 0) || ms === Infinity) throw new RangeError(`tickTock: ms must be a finite number > 0, got ${ms}`);
  const o = optionsOf('tickTock', opts);
  const close = closeOf('tickTock', o);
  const out = outputOf<[number, number]>('tickTock', o['out'] as StageOptions<[number, number]>['out']);
  const start = performance.now();
  run(out, close, async () => {
    for (let n = 1, slot = 1; ; n++) {
      await sleepUntil(start + slot * ms);
      if (out.closed) return;
      if (!(await out.put([n, performance.now()]))) return;
      // The next slot still ahead: skip those that passed while the put or the timer waited.
      slot = Math.max(slot + 1, Math.floor((performance.now() - start) / ms) + 1);
    }
  });
  return out;
}
