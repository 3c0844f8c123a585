/**
 * `tickTock(ms)`: emits `[n, timeMs]` for n = 1, 2, ... on an absolute schedule, tick n
 * being due at `start + n * ms` (no drift: a late timer does not delay later ticks).
 * `timeMs` is `performance.now()` when the tick was sent.
 *
 * Backpressure: a tick waits to be taken (aiochan queued them without bound instead). Ticks
 * whose time passed while one was waiting are skipped, and `n` keeps counting schedule
 * slots, so a slow consumer sees the gap (n jumps) instead of a burst of stale ticks.
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
    for (let n = 1; ; ) {
      await sleepUntil(start + n * ms);
      if (out.closed) return;
      if (!(await out.put([n, performance.now()]))) return;
      // The next slot not yet due: skip the ones that passed while the put waited.
      n = Math.max(n + 1, Math.floor((performance.now() - start) / ms) + 1);
    }
  });
  return out;
}
