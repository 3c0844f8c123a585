/**
 * `npm start`: a short tour of in-thread CSP with sabchan.
 *   1. Go's concurrent prime sieve: a daisy chain of tasks joined by unbuffered channels.
 *   2. Fan-in with select: three producers at different speeds, one consumer, a deadline.
 *   3. Cancellation: an AbortSignal withdraws a waiting get without losing a value.
 */
import { chan, select, timeout, type Chan } from '../index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends 2, 3, 4, ... on `out` until a put fails because `out` was closed. */
async function generate(out: Chan<number>): Promise<void> {
  for (let i = 2; await out.put(i); i++);
}

/** Copies values from `input` to `out`, dropping multiples of `prime`. */
async function filter(input: Chan<number>, out: Chan<number>, prime: number): Promise<void> {
  for await (const v of input) {
    if (v % prime !== 0 && !(await out.put(v))) break;
  }
  input.close(); // tell the stage before us to stop
}

async function primeSieve(count: number): Promise<number[]> {
  const first = chan<number>();
  void generate(first);
  const primes: number[] = [];
  let head = first;
  for (let i = 0; i < count; i++) {
    const prime = (await head.get())!;
    primes.push(prime);
    const next = chan<number>();
    void filter(head, next, prime);
    head = next;
  }
  head.close(); // unwinds the chain from the end: each filter closes its input in turn
  return primes;
}

async function fanIn(): Promise<void> {
  const sources = [
    { name: 'fast', every: 2 },
    { name: 'medium', every: 5 },
    { name: 'slow', every: 13 },
  ].map(({ name, every }) => {
    const c = chan<string>(4);
    void (async () => {
      for (let i = 1; await c.put(`${name} #${i}`); i++) await sleep(every);
    })();
    return c;
  });
  const deadline = timeout(60);
  const counts = new Map<string, number>();
  for (;;) {
    const [value, from] = await select([...sources, deadline]);
    if (from === deadline) break;
    const name = (value as string).split(' ')[0]!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const c of sources) c.close();
  const summary = [...counts].map(([name, n]) => `${name}=${n}`).join(' ');
  console.log(`  values received in 60 ms by source: ${summary}`);
}

async function cancellation(): Promise<void> {
  const jobs = chan<string>();
  const controller = new AbortController();
  const waiting = jobs.get({ signal: controller.signal });
  controller.abort();
  const reason = await waiting.catch((err: Error) => err.name);
  const put = jobs.put('job 1'); // nobody took it: the aborted get is gone
  const [first] = await select([jobs], { default: 'nothing ready' });
  console.log(`  aborted get -> ${reason}; the next get receives ${JSON.stringify(first)}`);
  await put;
}

async function main(): Promise<void> {
  console.log('1. prime sieve over unbuffered channels');
  console.log(`  first 25 primes: ${(await primeSieve(25)).join(' ')}`);
  console.log('2. fan-in with select and a timeout');
  await fanIn();
  console.log('3. cancellation with AbortSignal');
  await cancellation();
}

await main();
