/**
 * `npm start`: a short tour of in-thread CSP with sabchan.
 *   1. Go's concurrent prime sieve: a daisy chain of tasks joined by unbuffered channels.
 *   2. Fan-in with select: three producers at different speeds, one consumer, a deadline.
 *   3. Cancellation: an AbortSignal withdraws a waiting get without losing a value.
 *   4. Across threads: a worker streams numbers through a shared channel, next to postMessage.
 *   5. Select across threads: three workers send objects (JSON and struct codecs) and numbers;
 *      this thread selects over them with a deadline; supervise closes a dead worker's channel.
 *   6. A parallel pipeline: a numeric kernel over a pool of 2 workers (parallelPipe), with a
 *      progress line, against the same kernel inline.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { chan, parallelPipe, range, select, sharedChan, structCodec, supervise, timeout, type Chan } from '../index.js';
import kernel from './kernel.js';
import type { Reading } from './sensor.js';

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

/** Starts a demo worker module (through the tsx loader: the demo runs from source). */
function startWorker(module: string, data: unknown): Worker {
  const entry = new URL(module, import.meta.url).href;
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry, data } });
}

function startProducer(data: unknown): Worker {
  return startWorker('./producer.ts', data);
}

async function acrossThreads(count: number): Promise<void> {
  // Shared channel: the worker writes batches into the ring; main reads them in batches. One
  // producer thread and one consumer thread: `spsc` saves the ring half its atomic operations.
  const ch = sharedChan({ type: 'f64', capacity: 1 << 14, spsc: true });
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

async function selectAcrossThreads(ms: number): Promise<void> {
  const json = sharedChan<Reading>({ capacity: 256 });
  const struct = sharedChan({ codec: structCodec({ sensor: 'string:8', seq: 'u32', celsius: 'f64', ok: 'bool' }), capacity: 256 });
  const numbers = sharedChan({ type: 'f64', capacity: 1024 });
  const sources = [
    { ch: json, name: 'json', every: 20 },
    { ch: struct, name: 'struct', every: 5 },
    { ch: numbers, name: 'numbers', every: 2 },
  ] as const;
  const workers = sources.map(({ ch, name, every }) => {
    const worker = startWorker('./sensor.ts', { name, handle: ch.handle, everyMicros: every });
    supervise(worker, ch); // if it dies, its channel closes with reason 'worker-exited'
    return worker;
  });
  const exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  // Wait for the first value of each (the workers' start-up is not what we measure).
  for (const { ch } of sources) await ch.get();
  const counts = new Map<unknown, number>(sources.map(({ ch }) => [ch, 0]));
  let notOk = 0;
  const open: Chan<any>[] = [json, struct, numbers];
  const deadline = timeout(ms);
  // Halfway, the JSON sensor dies: supervise closes its channel, the select sees it closed.
  const crash = setTimeout(() => void workers[0]!.terminate(), ms / 2);
  const start = performance.now();
  for (;;) {
    const [value, from] = await select([...open, deadline]);
    if (from === deadline) break;
    if (value === undefined) {
      open.splice(open.indexOf(from!), 1); // closed and drained: stop listening to it
      continue;
    }
    counts.set(from, counts.get(from)! + 1);
    if (typeof value === 'object' && !(value as Reading).ok) notOk++;
  }
  const seconds = (performance.now() - start) / 1000;
  clearTimeout(crash);
  for (const { ch } of sources) ch.close(); // each live worker's next putSync returns false: it ends
  await Promise.all(exited);
  for (const { ch, name } of sources) {
    const n = counts.get(ch)!;
    console.log(`  ${name.padEnd(8)} ${n.toLocaleString('en').padStart(9)} in ${ms} ms = ${(n / seconds / 1000).toFixed(0).padStart(4)} k/s, then closed (${ch.closeReason})`);
  }
  console.log(`  readings flagged not ok (every 97th of each object sensor): ${notOk.toLocaleString('en')}`);
}

async function parallelPipeline(count: number): Promise<void> {
  const workers = Math.min(2, availableParallelism());
  // Inline first: the same kernel over the same inputs, on this thread.
  let start = performance.now();
  let inlineSum = 0;
  for (let i = 0; i < count; i++) inlineSum = (inlineSum + kernel(i)) >>> 0;
  const inlineRate = count / (performance.now() - start);

  const out = parallelPipe(range(count), workers, new URL('./kernel.ts', import.meta.url));
  let sum = 0;
  let done = 0;
  // A terminal gets one line rewritten in place; a log gets a line per update.
  const line = (): string => `  ${done.toLocaleString('en')} / ${count.toLocaleString('en')} done`;
  const progress = setInterval(() => process.stdout.write(process.stdout.isTTY ? `\r${line()}` : `${line()}\n`), 200);
  // The clock starts at the first result: the workers' start-up is not what we measure.
  let first = 0;
  for await (const y of out) {
    if (done === 0) first = performance.now();
    sum = (sum + y) >>> 0;
    done++;
  }
  clearInterval(progress);
  const rate = (done - 1) / (performance.now() - first);
  process.stdout.write(process.stdout.isTTY ? `\r${line()}\n` : `${line()}\n`);
  console.log(`  checksum ${sum === inlineSum ? 'matches' : 'DIFFERS FROM'} the inline run (${sum})`);
  console.log(
    `  ${workers} workers: ${rate.toFixed(0)} k items/s; inline: ${inlineRate.toFixed(0)} k items/s (${(rate / inlineRate).toFixed(2)}x, ` +
      `${((1000 / rate) * workers - 1000 / inlineRate).toFixed(1)} µs of overhead per item)`,
  );
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
  console.log('5. select across threads: objects and numbers from three workers, with a deadline');
  await selectAcrossThreads(300);
  console.log('6. a parallel pipeline: a ~10 µs kernel over 2 worker threads (parallelPipe)');
  await parallelPipeline(60_000);
}

await main();
