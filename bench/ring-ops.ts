/**
 * What one ring operation costs, in one thread: a put and a get of one number (and of a
 * batch of 128) on a shared channel, multi-party and `spsc`, beside ringbuf.js push/pop on a
 * SharedArrayBuffer of the same size. With both parties in one thread no cache line moves
 * between cores, so this is the instruction cost alone: mostly Atomics calls, which Node 20
 * makes as builtin calls (the last table times one call of each kind). The cross-thread
 * figures, where cache traffic adds to it, are `npm run bench:threads`.
 *
 *   npx tsx bench/ring-ops.ts                      # ~10 s
 *   BENCH_TIME_MS=300 npx tsx bench/ring-ops.ts    # quick look
 *
 * Each timed call moves ROUND values: the producer side fills the ring, the consumer side
 * empties it, so every operation finds room or a value (no waiting is timed).
 *
 * The `await getMany` row and the `await` row show what the Promise form adds to a batch: one
 * `await` of a fulfilled promise per call, whatever the batch holds. A consumer that awaits
 * pays it where ringbuf.js's busy-polling consumer pays nothing (bench/README.md, "Ring
 * operations in one thread").
 */
import os from 'node:os';
import { RingBuffer } from 'ringbuf.js';
import { sharedChan } from '../src/index.js';
import { runMain, timeRows } from './cli.js';
import { formatLoad } from './machine.js';

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
  /** The ringbuf.js row this one is compared with; none for the single Atomics calls. */
  readonly peer?: string;
  readonly fn: () => void;
}

/** A word of shared memory for the single-call rows (ROUND calls per timed call). */
const word = new Int32Array(new SharedArrayBuffer(64));

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
  {
    label: `sabchan spsc putManySync(${BATCH}) + await getMany(${BATCH})`,
    peer: `ringbuf.js push(${BATCH}) + pop(${BATCH})`,
    fn: async () => {
      for (let i = 0; i < ROUND; i += BATCH) spsc.putManySync(batch);
      for (let i = 0; i < ROUND; i += BATCH) checksum += await spsc.getMany(into);
    },
  },
  // What the protocols are made of: one call of each kind, ROUND times per timed call.
  {
    label: 'Atomics.load',
    fn: () => {
      let sum = 0;
      for (let i = 0; i < ROUND; i++) sum += Atomics.load(word, 1);
      checksum += sum;
    },
  },
  {
    label: 'Atomics.store',
    fn: () => {
      for (let i = 0; i < ROUND; i++) Atomics.store(word, 2, i);
    },
  },
  {
    label: 'Atomics.compareExchange (succeeds)',
    fn: () => {
      let v = word[3]!; // only this thread writes the word: each CAS expects what the last wrote
      for (let i = 0; i < ROUND; i++) v = Atomics.compareExchange(word, 3, v, v + 1) + 1;
    },
  },
  {
    label: 'await of a fulfilled promise',
    fn: async () => {
      let sum = 0;
      for (let i = 0; i < ROUND; i++) sum += await Promise.resolve(i);
      checksum += sum;
    },
  },
  {
    label: 'plain read of a shared Int32Array',
    fn: () => {
      let sum = 0;
      for (let i = 0; i < ROUND; i++) sum += word[i & 7]!;
      checksum += sum;
    },
  },
];

async function main(): Promise<void> {
  const ns = await timeRows('sabchan ring operations, one thread', 'ring-ops', ROWS, ROUND, DEFAULT_TIME_MS);
  console.log(`A ring of ${CAPACITY} f64, filled and emptied per timed call; ns per value moved (one put and one get).\n`);
  console.log('| put + get | ns/value | rme | ringbuf.js ÷ row |');
  console.log('|---|---:|---:|---:|');
  for (const row of ROWS) {
    if (row.peer === undefined) continue;
    const { ns: t, rme } = ns.get(row.label)!;
    const peer = ns.get(row.peer)!.ns;
    console.log(`| ${row.label} | ${t.toFixed(2)} | ±${rme.toFixed(1)} % | ${(peer / t).toFixed(2)}x |`);
  }
  console.log('\nWhat one call costs:\n');
  console.log('| call | ns | rme |');
  console.log('|---|---:|---:|');
  for (const row of ROWS) {
    if (row.peer !== undefined) continue;
    const { ns: t, rme } = ns.get(row.label)!;
    console.log(`| ${row.label} | ${t.toFixed(2)} | ±${rme.toFixed(1)} % |`);
  }
  console.log(`\nRatios above 1: the row is that many times faster. Load average after the run: ${formatLoad(os.loadavg())}`);
  if (!Number.isFinite(checksum)) throw new Error('checksum');
}

runMain(main);
