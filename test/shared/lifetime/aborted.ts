/**
 * Lifetime fixture (c): pending operations withdrawn through an AbortSignal must not keep the
 * process alive. Prints "done", then must exit.
 */
import { sharedChan } from '../../../src/index.js';

const ch = sharedChan({ type: 'f64', capacity: 1 });
const outcome = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    (v) => `resolved ${String(v)}`,
    (e: unknown) => `rejected ${(e as Error).name}`,
  );

// A pending get, aborted by a controller.
const ac = new AbortController();
const g = ch.get({ signal: ac.signal });
setTimeout(() => ac.abort(), 50);
console.log(`get: ${await outcome(g)}`);
// A pending get with AbortSignal.timeout.
console.log(`get with timeout signal: ${await outcome(ch.get({ signal: AbortSignal.timeout(30) }))}`);
// A pending put on a full channel, aborted.
ch.offer(1);
const ac2 = new AbortController();
const p = ch.put(2, { signal: ac2.signal });
setTimeout(() => ac2.abort(), 20);
console.log(`put: ${await outcome(p)}`);
// A pending rendezvous put, aborted.
const rv = sharedChan({ type: 'f64', capacity: 0 });
console.log(`rendezvous put: ${await outcome(rv.put(3, { signal: AbortSignal.timeout(30) }))}`);
console.log('done');
