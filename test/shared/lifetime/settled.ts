/**
 * Lifetime fixture (b): operations that parked and then completed (in-thread and by a worker)
 * must leave nothing behind that keeps the process alive. Prints "done", then must exit.
 */
import { sharedChan } from '../../../src/index.js';
import { exited, startTsWorker } from '../../helpers/ts-worker.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const check = (what: string, got: unknown, want: unknown): void => {
  if (got !== want) throw new Error(`${what}: got ${String(got)}, expected ${String(want)}`);
};
const ch = sharedChan({ type: 'i32', capacity: 2 });

// Completes at once.
check('put', await ch.put(1), true);
check('get', await ch.get(), 1);
// A get parks, then an in-thread offer completes it.
const g = ch.get();
await sleep(10);
check('offer', ch.offer(2), true);
check('parked get', await g, 2);
// A put parks on a full channel, then an in-thread get makes room.
check('offer', ch.offer(3) && ch.offer(4), true);
const p = ch.put(5);
await sleep(10);
check('get', await ch.get(), 3);
check('parked put', await p, true);
check('drain', (await ch.get()) === 4 && (await ch.get()) === 5, true);
// A get and a getMany park, and a worker's puts complete them.
const g1 = ch.get();
const many = new Int32Array(2);
const g2 = ch.getMany(many);
const w1 = startTsWorker(new URL('./put-later.ts', import.meta.url), { handle: ch.handle, delayMs: 50, value: 6 });
check('get completed by a worker', await g1, 6);
await exited(w1);
const w2 = startTsWorker(new URL('./put-later.ts', import.meta.url), { handle: ch.handle, delayMs: 50, value: 7 });
check('getMany completed by a worker', await g2, 1);
check('getMany value', many[0], 7);
await exited(w2);
// A rendezvous put parks until a worker... here: an in-thread get takes it.
const rv = sharedChan({ type: 'i32', capacity: 0 });
const rp = rv.put(8);
await sleep(10);
check('rendezvous get', await rv.get(), 8);
check('rendezvous put', await rp, true);
// A parked get ended by a close from a worker.
const g3 = ch.get();
const w3 = startTsWorker(new URL('./put-later.ts', import.meta.url), { handle: ch.handle, delayMs: 20, value: null });
check('get at close', await g3, undefined);
await exited(w3);
console.log('done');
