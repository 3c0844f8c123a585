import csp, { type AltsResult, type Channel, type Instruction } from 'js-csp';
import { finishTransfer, FOUR_PRODUCERS, type Contender, type Tally } from './adapter.js';

const NAME = 'js-csp';

/** js-csp processes are generators, not Promises: bridge a go block's result once, at the end. */
function resultOf<R>(goChannel: Channel): Promise<R> {
  return new Promise((resolve) => csp.takeAsync(goChannel, (value) => resolve(value as R)));
}

function produce(ch: Channel, from: number, to: number): Promise<boolean> {
  return resultOf(
    csp.go(function* (): Generator<Instruction, boolean, never> {
      for (let v = from; v < to; v++) yield csp.put(ch, v);
      return true; // a go block's result must not be null (js-csp's CLOSED)
    }),
  );
}

function consume(ch: Channel, n: number): Promise<Tally> {
  return resultOf(
    csp.go(function* (): Generator<Instruction, Tally, number | null> {
      let count = 0;
      let sum = 0;
      while (count < n) {
        const v = yield csp.take(ch);
        if (v === null) break; // null is js-csp's CLOSED; the tally check reports the shortfall
        count++;
        sum += v;
      }
      return { count, sum };
    }),
  );
}

function consumeByAlts(chans: Channel[], n: number): Promise<Tally> {
  return resultOf(
    csp.go(function* (): Generator<Instruction, Tally, AltsResult<number>> {
      let count = 0;
      let sum = 0;
      while (count < n) {
        const { value } = yield csp.alts(chans);
        if (value === null) break;
        count++;
        sum += value;
      }
      return { count, sum };
    }),
  );
}

function pipe(ch: Channel, n: number) {
  return () => finishTransfer(NAME, n, consume(ch, n), [produce(ch, 0, n)]);
}

export const jsCsp: Contender = {
  name: NAME,
  notes: {
    buffered: 'js-csp go blocks are generators (`yield put/take`), not async functions.',
  },
  buffered: (n, capacity) => pipe(csp.chan(capacity), n),
  unbuffered: (n) => pipe(csp.chan(0), n),
  select4(nPerChan, capacity) {
    const chans = FOUR_PRODUCERS.map(() => csp.chan(capacity));
    return () =>
      finishTransfer(
        NAME,
        4 * nPerChan,
        consumeByAlts(chans, 4 * nPerChan),
        FOUR_PRODUCERS.map((k) => produce(chans[k], k * nPerChan, (k + 1) * nPerChan)),
      );
  },
};
