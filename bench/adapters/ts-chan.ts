import { Chan, Select, recv } from 'ts-chan';
import { finishTransfer, FOUR_PRODUCERS, type Contender, type Tally } from './adapter.js';

const NAME = 'ts-chan (unsafe)';

/**
 * Unsafe mode skips ts-chan's per-operation yield to the macrotask queue (its guard against
 * microtask starvation), which otherwise costs it about 7x; the fast mode is the fair match.
 */
const unsafeChan = (capacity: number) => new Chan<number>(capacity).setUnsafe(true);

async function produce(ch: Chan<number>, from: number, to: number): Promise<void> {
  for (let v = from; v < to; v++) await ch.send(v);
}

async function consume(ch: Chan<number>, n: number): Promise<Tally> {
  let count = 0;
  let sum = 0;
  while (count < n) {
    const r = await ch.recv();
    if (r.done) break; // closed: the tally check reports the shortfall
    count++;
    sum += r.value;
  }
  return { count, sum };
}

async function consumeBySelect(chans: Chan<number>[], n: number): Promise<Tally> {
  // One Select reused for every receive: the way ts-chan documents select loops.
  const sel = new Select(chans.map((ch) => recv(ch))).setUnsafe(true);
  let count = 0;
  let sum = 0;
  while (count < n) {
    const i = await sel.wait();
    const r = sel.recv(sel.cases[i]);
    if (r.done) break;
    count++;
    sum += r.value;
  }
  return { count, sum };
}

function pipe(ch: Chan<number>, n: number) {
  return () => finishTransfer(NAME, n, consume(ch, n), [produce(ch, 0, n)]);
}

export const tsChan: Contender = {
  name: NAME,
  notes: {
    buffered: 'ts-chan runs in unsafe mode (`setUnsafe(true)` on Chan and Select), its fast path.',
  },
  buffered: (n, capacity) => pipe(unsafeChan(capacity), n),
  unbuffered: (n) => pipe(unsafeChan(0), n),
  select4(nPerChan, capacity) {
    const chans = FOUR_PRODUCERS.map(() => unsafeChan(capacity));
    return () =>
      finishTransfer(
        NAME,
        4 * nPerChan,
        consumeBySelect(chans, 4 * nPerChan),
        FOUR_PRODUCERS.map((k) => produce(chans[k], k * nPerChan, (k + 1) * nPerChan)),
      );
  },
};
