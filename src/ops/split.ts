/**
 * Fan-out to several outputs, one output per value: `split(ch, p)` (by predicate,
 * core.async) and `distribute(ch, outs)` (to whichever output takes first, aiochan).
 * Both run under the stage rules of ./stage.ts (G1-G4): a failure (a throwing predicate,
 * or the input closed by a failed stage) fails every output.
 */
import { describe } from '../errors.js';
import type { Chan, CloseOptions, Port, SplitOptions } from '../protocol.js';
import { select } from '../select/select.js';
import { checkChan, checkChans, checkFn, closeOf, optionsOf, outputOf, run } from './stage.js';

/**
 * Routes each value to the first output if `p(value)` is truthy, else to the second.
 * Stops (G4) when the output a value is routed to has closed (core.async).
 * @returns `[trueChan, falseChan]`.
 */
export function split<T>(ch: Chan<T>, p: (value: T) => unknown, opts?: SplitOptions<T>): [Chan<T>, Chan<T>] {
  checkChan('split', 'ch', ch);
  checkFn('split', 'p', p);
  const o = optionsOf('split', opts);
  const close = closeOf('split', o);
  const specs = o['out'];
  if (specs !== undefined && (!Array.isArray(specs) || specs.length !== 2)) {
    throw new TypeError(`split: options.out must be a pair [trueOut, falseOut], got ${describe(specs)}`);
  }
  const outs: [Chan<T>, Chan<T>] = [
    outputOf<T>('split', specs?.[0], 'options.out[0]'),
    outputOf<T>('split', specs?.[1], 'options.out[1]'),
  ];
  run(outs, close, async () => {
    for await (const v of ch) if (!(await outs[p(v) ? 0 : 1].put(v))) return;
  });
  return outs;
}

/**
 * Hands each value to whichever of `outs` takes it first (a select over put arms). An
 * output found closed is dropped and the value offered to the others; once none is left the
 * stage stops. Closes the outputs when `ch` closes (unless `close: false`).
 * @returns `ch`, as aiochan's `distribute` returns its input.
 */
export function distribute<T>(ch: Chan<T>, outs: readonly Chan<T>[], opts?: CloseOptions): Chan<T> {
  checkChan('distribute', 'ch', ch);
  checkChans('distribute', 'outs', outs);
  // Each value is offered to every output at once (one select over put arms), and a select
  // may have one put arm on a cross-thread rendezvous channel (protocol.ts P8).
  let twoPhase = -1;
  outs.forEach((o, i) => {
    if ((o as unknown as Port).twoPhasePut !== true) return;
    if (twoPhase >= 0) {
      throw new TypeError(
        `distribute: outs[${twoPhase}] and outs[${i}] are both cross-thread rendezvous channels (capacity 0); ` +
          'distribute offers each value to all outputs in one select, which may have one such put arm: give the others a capacity',
      );
    }
    twoPhase = i;
  });
  const close = closeOf('distribute', optionsOf('distribute', opts));
  const open = [...outs];
  run(() => open, close, async () => {
    if (open.length === 0) return;
    for await (const v of ch) {
      for (;;) {
        const [ok, c] = await select(open.map((o) => [o, v] as const));
        if (ok === true) break;
        open.splice(open.indexOf(c as Chan<T>), 1);
        if (open.length === 0) return;
      }
    }
  });
  return ch;
}
