/**
 * What one ring operation costs, in one thread: a put and a get of one number (and of a
 * batch of 128) on a shared channel, multi-party and `spsc`, beside ringbuf.js push/pop on a
 * SharedArrayBuffer of the same size. With both parties in one thread no cache line moves
 * between cores, so this is the instruction cost alone: mostly Atomics calls, which Node 20
 * makes as builtin calls (~5 ns a load, ~9 ns a compare-and-swap here). The cross-thread
 * figures, where cache traffic adds to it, are `npm run bench:threads`.
 *
 *   npx tsx bench/ring-ops.ts                      # ~10 s
 *   BENCH_TIME_MS=300 npx tsx bench/ring-ops.ts    # quick look
 *
 * Each timed call moves ROUND values: the producer side fills the ring, the consumer side
 * empties it, so every operation finds room or a value (no waiting is timed).
 */
import os from 'node:os';
import { RingBuffer } from 'ringbuf.js';
import { Bench } from 'tinybench';
import { sharedChan } from '../src/index.js';
import { formatHeader, readTimeMs, runMain } from './cli.js';
import { describeMachine, formatLoad } from './machine.js';

const DEFAULT_TIME_MS = 1000;
const CAPACITY = 4096;
/** Values per timed call: one ring's worth in, then out. */
const ROUND = CAPACITY;
const BATCH = 128;

let checksum = 0;

const mpmc = sharedChan({ type: 'f64', capacity: CAPACITY });
const mpmcI16 = sharedChan({ type: 'i16', capacity: CAPACITY });
const spsc = sharedChan({ type: 'f64', capacity: CAPACITY, spsc: true });
// ringbuf.js keeps one slot empty: give it one more so that it holds ROUND values too.
const ringbuf = new RingBuffer(RingBuffer.getStorageForCapacity(CAPACITY + 1, Float64Array), Float64Array);
const one = new Float64Array(1);
const batch = new Float64Array(BATCH).map((_, i) => i);
const into = new Float64Array(BATCH);

interface Row {
  readonly label: string;
  /** The ringbuf.js row this one is compared with. */
  readonly peer: string;
  readonly fn: () => void;
}

// Every row is its own function literal: closures made from one literal share type feedback
// in V8, and a call site that has seen several channels would charge each for the others.
const ROWS: Row[] = [
  {
    label: 'ringbuf.js push(1) + pop(1)',
    peer: 'ringbuf.js push(1) + pop(1)',
    fn: () => {
      for (let i = 0; i < ROUND; i++) {
        one[0] = i;
        ringbuf.push(one);
      }
      for (let i = 0; i < ROUND; i++) {
        ringbuf.pop(one);
        checksum += one[0]!;
      }
    },
  },
  {
    label: 'sabchan putSync + getSync',
    peer: 'ringbuf.js push(1) + pop(1)',
    fn: () => {
      for (let i = 0; i < ROUND; i++) mpmc.putSync(i);
      for (let i = 0; i < ROUND; i++) checksum += mpmc.getSync()!;
    },
  },
  {
    label: 'sabchan putSync + getSync, i16 lane (range checked)',
    peer: 'ringbuf.js push(1) + pop(1)',
    fn: () => {
      for (let i = 0; i < ROUND; i++) mpmcI16.putSync(i & 0x3fff);
      for (let i = 0; i < ROUND; i++) checksum += mpmcI16.getSync()!;
    },
  },
  {
    label: 'sabchan spsc putSync + getSync',
    peer: 'ringbuf.js push(1) + pop(1)',
    fn: () => {
      for (let i = 0; i < ROUND; i++) spsc.putSync(i);
      for (let i = 0; i < ROUND; i++) checksum += spsc.getSync()!;
    },
  },
  {
    label: `ringbuf.js push(${BATCH}) + pop(${BATCH})`,
    peer: `ringbuf.js push(${BATCH}) + pop(${BATCH})`,
    fn: () => {
      for (let i = 0; i < ROUND; i += BATCH) ringbuf.push(batch);
      for (let i = 0; i < ROUND; i += BATCH) checksum += ringbuf.pop(into);
    },
  },
  {
    label: `sabchan putManySync(${BATCH}) + getManySync(${BATCH})`,
    peer: `ringbuf.js push(${BATCH}) + pop(${BATCH})`,
    fn: () => {
      for (let i = 0; i < ROUND; i += BATCH) mpmc.putManySync(batch);
      for (let i = 0; i < ROUND; i += BATCH) checksum += mpmc.getManySync(into);
    },
  },
  {
    label: `sabchan spsc putManySync(${BATCH}) + getManySync(${BATCH})`,
    peer: `ringbuf.js push(${BATCH}) + pop(${BATCH})`,
    fn: () => {
      for (let i = 0; i < ROUND; i += BATCH) spsc.putManySync(batch);
      for (let i = 0; i < ROUND; i += BATCH) checksum += spsc.getManySync(into);
    },
  },
];

async function main(): Promise<void> {
  const timeMs = readTimeMs(DEFAULT_TIME_MS);
  const machine = describeMachine();
  const busy = machine.loadavg[0]! > os.availableParallelism() / 2;
  console.log(formatHeader('sabchan ring operations, one thread', machine, { busy, timeMs, scenarioIds: ['ring-ops'] }));
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(300, timeMs / 3), iterations: 20 });
  for (const row of ROWS) bench.add(row.label, row.fn);
  bench.addEventListener('cycle', (e) => process.stderr.write(`  done: ${e.task.name}\n`));
  await bench.run();

  const ns = new Map<string, { ns: number; rme: number }>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: tinybench state '${r.state}'`);
    ns.set(task.name, { ns: (r.latency.mean * 1e6) / ROUND, rme: r.latency.rme });
  }
  console.log(`A ring of ${CAPACITY} f64, filled and emptied per timed call; ns per value moved (one put and one get).\n`);
  console.log('| put + get | ns/value | rme | ringbuf.js ÷ row |');
  console.log('|---|---:|---:|---:|');
  for (const row of ROWS) {
    const { ns: t, rme } = ns.get(row.label)!;
    const peer = ns.get(row.peer)!.ns;
    console.log(`| ${row.label} | ${t.toFixed(2)} | ±${rme.toFixed(1)} % | ${(peer / t).toFixed(2)}x |`);
  }
  console.log(`\nRatios above 1: the row is that many times faster. Load average after the run: ${formatLoad(os.loadavg())}`);
  if (!Number.isFinite(checksum)) throw new Error('checksum');
}

runMain(main);
