/**
 * `npm start`: a short tour of in-thread CSP with sabchan.
 *   1. Go's concurrent prime sieve: a daisy chain of tasks joined by unbuffered channels.
 *   2. Fan-in with select: three producers at different speeds, one consumer, a deadline.
 *   3. Cancellation: an AbortSignal withdraws a waiting get without losing a value.
 *   4. Across threads: a worker streams numbers through a shared channel, next to postMessage.
 */
import { Worker } from 'node:worker_threads';
import { chan, select, sharedChan, timeout, type Chan } from '../index.js';

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

/** Starts ./producer.ts in a worker (through the tsx loader: the demo runs from source). */
function startProducer(data: unknown): Worker {
  const entry = new URL('./producer.ts', import.meta.url).href;
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry, data } });
}

async function acrossThreads(count: number): Promise<void> {
  // Shared channel: the worker writes batches into the ring; main reads them in batches.
  const ch = sharedChan({ type: 'f64', capacity: 1 << 14 });
  const worker = startProducer({ mode: 'channel', count, handle: ch.handle });
  const into = new Float64Array(1024);
  let sum = 0;
  let received = await ch.getMany(into); // the first batch starts the clock (worker started)
  for (let i = 0; i < received; i++) sum += into[i]!;
  let start = performance.now();
  for (let n = await ch.getMany(into); n > 0; n = await ch.getMany(into)) {
    for (let i = 0; i < n; i++) sum += into[i]!;
    received += n;
  }
  const channelRate = received / (performance.now() - start) / 1000;
  await new Promise((resolve) => worker.once('exit', resolve));
  const ok = received === count && sum === (count * (count - 1)) / 2;

  // postMessage, one number per message (what a worker would do without a channel).
  const small = Math.min(count, 500_000);
  const poster = startProducer({ mode: 'postMessage', count: small });
  let got = 0;
  start = 0;
  await new Promise<void>((resolve) => {
    poster.on('message', (m: number | 'end') => {
      if (m === 'end') return resolve();
      if (got++ === 0) start = performance.now();
    });
  });
  const postRate = got / (performance.now() - start) / 1000;
  await poster.terminate();
  console.log(`  shared channel: ${received.toLocaleString('en')} numbers ${ok ? 'arrived (count and sum checked)' : 'MISSING OR WRONG'}, ${channelRate.toFixed(1)} M/s`);
  console.log(`  postMessage:    ${got.toLocaleString('en')} numbers, ${postRate.toFixed(2)} M/s: the channel moved numbers ${(channelRate / postRate).toFixed(0)}x faster`);
}

async function main(): Promise<void> {
  console.log('1. prime sieve over unbuffered channels');
  console.log(`  first 25 primes: ${(await primeSieve(25)).join(' ')}`);
  console.log('2. fan-in with select and a timeout');
  await fanIn();
  console.log('3. cancellation with AbortSignal');
  await cancellation();
  console.log('4. across threads: a worker streams numbers to this thread');
  await acrossThreads(10_000_000);
}

await main();
