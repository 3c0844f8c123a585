/**
 * `merge(chs)`: one output fed by every input, through a loop of random selects over the
 * inputs still open (aiochan, core.async). Runs under the stage rules of ./stage.ts
 * (G1-G4): the output closes once every input has closed; an input closed by a failed stage
 * fails the output at once.
 */
import { failureOf } from '../internal/failure.js';
import type { Chan, StageOptions } from '../protocol.js';
import { select } from '../select/select.js';
import { checkChans, closeOf, optionsOf, outputOf, run } from './stage.js';

export function merge<T>(chs: readonly Chan<T>[], opts?: StageOptions<T>): Chan<T> {
  checkChans('merge', 'chs', chs);
  const o = optionsOf('merge', opts);
  const close = closeOf('merge', o);
  const out = outputOf<T>('merge', o['out'] as StageOptions<T>['out']);
  const open = [...chs];
  run(out, close, async () => {
    while (open.length > 0) {
      const [v, c] = await select(open);
      if (v === undefined) {
        const failure = failureOf(c!);
        if (failure !== undefined) throw failure; // G2
        open.splice(open.indexOf(c as Chan<T>), 1);
        continue;
      }
      if (!(await out.put(v as T))) return;
    }
  });
  return out;
}
