/**
 * `take(n)` and `drop(n)`. Runs under the stage rules of ./stage.ts (G1-G4).
 * `take` never takes more than `n` values from its input: `take(0)` takes none and closes
 * its output at once (aiochan's take(0) passed everything through).
 */
import type { Chan, StageOptions } from '../protocol.js';
import { checkChan, checkCount, closeOf, optionsOf, outputOf, run } from './stage.js';

/** Emits at most `n` values, then closes the output (unless `close: false`). */
export function take<T>(ch: Chan<T>, n: number, opts?: StageOptions<T>): Chan<T> {
  checkChan('take', 'ch', ch);
  checkCount('take', 'n', n, 0);
  const o = optionsOf('take', opts);
  const close = closeOf('take', o);
  const out = outputOf<T>('take', o['out'] as StageOptions<T>['out']);
  run(out, close, async () => {
    if (n === 0) return;
    let left = n;
    for await (const v of ch) {
      if (!(await out.put(v))) return;
      if (--left === 0) return; // G4: leaving the loop takes nothing more
    }
  });
  return out;
}

/** Skips the first `n` values, then emits the rest. */
export function drop<T>(ch: Chan<T>, n: number, opts?: StageOptions<T>): Chan<T> {
  checkChan('drop', 'ch', ch);
  checkCount('drop', 'n', n, 0);
  const o = optionsOf('drop', opts);
  const close = closeOf('drop', o);
  const out = outputOf<T>('drop', o['out'] as StageOptions<T>['out']);
  run(out, close, async () => {
    let skip = n;
    for await (const v of ch) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (!(await out.put(v))) return;
    }
  });
  return out;
}
