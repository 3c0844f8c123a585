import { channel, select, type Channel } from '@thi.ng/csp';
import { finishTransfer, FOUR_PRODUCERS, type Contender, type Tally } from './adapter.js';

const NAME = '@thi.ng/csp';

const WRITE_WAITS_FOR_READ =
  "@thi.ng/csp's `write()` resolves only once its value is read, even when it fits in the " +
  'buffer, so a producer that awaits every write has one value in flight whatever the capacity.';

async function produce(ch: Channel<number>, from: number, to: number): Promise<void> {
  for (let v = from; v < to; v++) await ch.write(v);
}

async function consume(ch: Channel<number>, n: number): Promise<Tally> {
  let count = 0;
  let sum = 0;
  while (count < n) {
    const v = await ch.read();
    if (v === undefined) break; // closed: the tally check reports the shortfall
    count++;
    sum += v;
  }
  return { count, sum };
}

async function consumeBySelect(chans: Channel<number>[], n: number): Promise<Tally> {
  const [first, ...rest] = chans as [Channel<number>, ...Channel<number>[]];
  let count = 0;
  let sum = 0;
  while (count < n) {
    const [v] = await select(first, ...rest);
    if (v === undefined) break;
    count++;
    sum += v;
  }
  return { count, sum };
}

function pipe(ch: Channel<number>, n: number) {
  return () => finishTransfer(NAME, n, consume(ch, n), [produce(ch, 0, n)]);
}

export const thingCsp: Contender = {
  name: NAME,
  notes: {
    buffered: WRITE_WAITS_FOR_READ,
    unbuffered:
      '@thi.ng/csp has no rendezvous channel (its buffers need capacity >= 1): ' +
      'measured with `channel(1)`.',
    select: WRITE_WAITS_FOR_READ,
  },
  buffered: (n, capacity) => pipe(channel<number>(capacity), n),
  unbuffered: (n) => pipe(channel<number>(1), n),
  select4(nPerChan, capacity) {
    const chans = FOUR_PRODUCERS.map(() => channel<number>(capacity));
    return () =>
      finishTransfer(
        NAME,
        4 * nPerChan,
        consumeBySelect(chans, 4 * nPerChan),
        FOUR_PRODUCERS.map((k) => produce(chans[k], k * nPerChan, (k + 1) * nPerChan)),
      );
  },
};
