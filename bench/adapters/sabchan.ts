import { chan, select, type Chan } from '../../src/index.js';
import { finishTransfer, FOUR_PRODUCERS, type Contender, type Tally } from './adapter.js';

type NumberChan = Chan<number>;

const NAME = 'sabchan';

async function produce(ch: NumberChan, from: number, to: number): Promise<void> {
  for (let v = from; v < to; v++) await ch.put(v);
}

async function consume(ch: NumberChan, n: number): Promise<Tally> {
  let count = 0;
  let sum = 0;
  while (count < n) {
    const v = await ch.get();
    if (v === undefined) break; // closed: the tally check reports the shortfall
    count++;
    sum += v;
  }
  return { count, sum };
}

async function consumeBySelect(chans: NumberChan[], n: number): Promise<Tally> {
  let count = 0;
  let sum = 0;
  while (count < n) {
    const [v] = await select(chans);
    if (v === undefined) break;
    count++;
    sum += v as number;
  }
  return { count, sum };
}

function pipe(ch: NumberChan, n: number) {
  return () => finishTransfer(NAME, n, consume(ch, n), [produce(ch, 0, n)]);
}

export const sabchan: Contender = {
  name: NAME,
  buffered: (n, capacity) => pipe(chan<number>(capacity), n),
  unbuffered: (n) => pipe(chan<number>(0), n),
  select4(nPerChan, capacity) {
    const chans = FOUR_PRODUCERS.map(() => chan<number>(capacity));
    return () =>
      finishTransfer(
        NAME,
        4 * nPerChan,
        consumeBySelect(chans, 4 * nPerChan),
        FOUR_PRODUCERS.map((k) => produce(chans[k], k * nPerChan, (k + 1) * nPerChan)),
      );
  },
  plainGet4(nPerChan, capacity) {
    const ch = chan<number>(capacity);
    return () =>
      finishTransfer(
        NAME,
        4 * nPerChan,
        consume(ch, 4 * nPerChan),
        FOUR_PRODUCERS.map((k) => produce(ch, k * nPerChan, (k + 1) * nPerChan)),
      );
  },
};
