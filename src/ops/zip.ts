/**
 * Combining several inputs into arrays: `zip` (lockstep) and `combineLatest` (on every
 * value). Both run under the stage rules of ./stage.ts (G1-G4), and fix aiochan's bug of
 * closing the output even with `close: false`. An input closed by a failed stage fails the
 * output (G2).
 */
import { failureOf } from '../internal/failure.js';
import type { Chan, StageOptions } from '../protocol.js';
import { select } from '../select/select.js';
import { checkChans, closeOf, optionsOf, outputOf, run } from './stage.js';

function setup<T>(where: string, chs: readonly Chan<T>[], opts: unknown) {
  checkChans(where, 'chs', chs);
  const o = optionsOf(where, opts);
  return {
    close: closeOf(where, o),
    out: outputOf<(T | undefined)[]>(where, o['out'] as StageOptions<(T | undefined)[]>['out']),
  };
}

function checkFailure(c: Chan<unknown>): void {
  const failure = failureOf(c);
  if (failure !== undefined) throw failure; // G2
}

/**
 * Emits `[v0, v1, ...]`, one value from each input, in lockstep; an input that has closed
 * contributes `undefined`. Ends once every input has closed (a round where all are closed
 * emits nothing). The gets of one round wait side by side, so an input closed by a failed
 * stage fails the output at once, even while another input has no value yet (its get is
 * then withdrawn: it takes nothing).
 */
export function zip<T>(chs: readonly Chan<T>[], opts?: StageOptions<(T | undefined)[]>): Chan<(T | undefined)[]> {
  const { close, out } = setup('zip', chs, opts);
  run(out, close, async () => {
    const done = chs.map(() => false);
    let left = chs.length;
    while (left > 0) {
      const abort = new AbortController();
      const gets = chs.map((c, i) => {
        if (done[i]) return undefined;
        return c.get({ signal: abort.signal }).then((v) => {
          if (v === undefined) checkFailure(c);
          return v;
        });
      });
      let row: (T | undefined)[];
      try {
        row = await Promise.all(gets);
      } catch (err) {
        abort.abort();
        // The withdrawn gets reject with the abort reason; nobody needs those rejections.
        for (const g of gets) g?.catch(() => undefined);
        throw err;
      }
      for (let i = 0; i < chs.length; i++) {
        if (!done[i] && row[i] === undefined) {
          done[i] = true;
          left--;
        }
      }
      if (left === 0) return;
      if (!(await out.put(row))) return;
    }
  });
  return out;
}

/**
 * On every value from any input, emits a fresh array of the latest value of each input
 * (`undefined` for inputs not heard from yet). Ends once every input has closed.
 */
export function combineLatest<T>(
  chs: readonly Chan<T>[],
  opts?: StageOptions<(T | undefined)[]>,
): Chan<(T | undefined)[]> {
  const { close, out } = setup('combineLatest', chs, opts);
  run(out, close, async () => {
    const latest: (T | undefined)[] = new Array(chs.length).fill(undefined);
    const open = [...chs];
    while (open.length > 0) {
      const [v, c] = await select(open);
      if (v === undefined) {
        checkFailure(c!);
        open.splice(open.indexOf(c as Chan<T>), 1);
        continue;
      }
      // The same channel may appear twice in `chs`; it updates every position it holds.
      for (let i = 0; i < chs.length; i++) if (chs[i] === c) latest[i] = v as T;
      if (!(await out.put([...latest]))) return;
    }
  });
  return out;
}
