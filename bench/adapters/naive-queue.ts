import { finishTransfer, type Contender, type Tally } from './adapter.js';

/**
 * Baseline: the simplest correct bounded queue on Promises. A put waits while the buffer is
 * full, a get waits while it is empty; capacity 0 is a rendezvous (a put waits for a getter).
 * No select, no close: what a channel library has to beat to be worth a dependency.
 */
export class NaiveQueue<T> {
  private readonly items: T[] = [];
  private readonly waitingGets: Array<(value: T) => void> = [];
  private readonly waitingPuts: Array<{ value: T; resume: () => void }> = [];

  constructor(private readonly capacity: number) {}

  put(value: T): Promise<void> {
    const getter = this.waitingGets.shift();
    if (getter) {
      getter(value);
      return Promise.resolve();
    }
    if (this.items.length < this.capacity) {
      this.items.push(value);
      return Promise.resolve();
    }
    return new Promise((resume) => this.waitingPuts.push({ value, resume }));
  }

  get(): Promise<T> {
    const parked = this.waitingPuts.shift();
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      if (parked) {
        // The freed slot goes to the oldest waiting put, keeping FIFO order.
        this.items.push(parked.value);
        parked.resume();
      }
      return Promise.resolve(value);
    }
    if (parked) {
      // Empty buffer with a waiting put only happens at capacity 0: take its value directly.
      parked.resume();
      return Promise.resolve(parked.value);
    }
    return new Promise((resolve) => this.waitingGets.push(resolve));
  }
}

const NAME = 'naive promise queue';

async function produce(q: NaiveQueue<number>, n: number): Promise<void> {
  for (let v = 0; v < n; v++) await q.put(v);
}

async function consume(q: NaiveQueue<number>, n: number): Promise<Tally> {
  let count = 0;
  let sum = 0;
  while (count < n) {
    sum += await q.get();
    count++;
  }
  return { count, sum };
}

function pipe(q: NaiveQueue<number>, n: number) {
  return () => finishTransfer(NAME, n, consume(q, n), [produce(q, n)]);
}

export const naiveQueue: Contender = {
  name: NAME,
  baseline: true,
  buffered: (n, capacity) => pipe(new NaiveQueue<number>(capacity), n),
  unbuffered: (n) => pipe(new NaiveQueue<number>(0), n),
};
