/**
 * Regression test (found by review; it failed before the fix). The bug:
 * An object rendezvous put arm of a select loses its encoding on claim + unclaim.
 * shared-port.ts servePuts (line ~411) deletes the arm's snapshot once its value entered the
 * ring (a handoff); recallPut (line ~264) puts the waiter back in putq *without* a snapshot;
 * the unclaim's reofferPuts -> servePuts then reads `this.snapshots.get(w)!` (line ~392),
 * which is undefined, and calls enterRendezvous(undefined) -> MessageRing.putOne(undefined).
 * Claim + unclaim happens whenever the select's get arm on another shared channel is served
 * and finds nothing (a watcher re-check, or this thread's own poll/get on that channel).
 */
import { expect, it } from 'vitest';
import { jsonCodec, select, sharedChan } from '../../src/index.js';
import { HEADER_WORDS } from '../../src/shared/layout.js';
import { MessageRing } from '../../src/shared/message-ring.js';


/** Claims the select whose value waits in `r` and undoes it, as a port that cannot commit does (P8). */
function claimAndUndo(r: unknown): void {
  const flag = (r as { handoffs: { waiter: { flag: { claim(): boolean; unclaim(): void } } }[] }).handoffs[0]!.waiter.flag;
  if (!flag.claim()) throw new Error('the value was taken');
  flag.unclaim();
}

it("a select's object rendezvous value survives a claim + unclaim and is delivered intact", async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ capacity: 0 }); // JSON rendezvous
  const buffer = r.handle.buffer as SharedArrayBuffer;
  // Another thread's consumer, simulated on the same memory.
  const other = new MessageRing<unknown>(new Int32Array(buffer, 0, HEADER_WORDS), buffer, jsonCodec);
  const s = select([a, [r, { n: 7 }]], { priority: true });
  let thrown: unknown;
  try {
    claimAndUndo(r); // takes r's value back, then offers it again
  } catch (e) {
    thrown = e;
  }
  // Before the fix: "put: json codec: cannot encode undefined ..." thrown out of a.poll().
  expect(thrown).toBeUndefined();
  let took = 0;
  for (let k = 0; k < 100 && (took = other.takeOne()) !== 1; k++) await new Promise((res) => setTimeout(res, 5));
  expect(took).toBe(1);
  expect(other.value).toEqual({ n: 7 });
  expect(await s).toEqual([true, r]);
});

it('...and after a refused put on the same channel, the re-offer sends stale scratch bytes (another message)', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ capacity: 0 });
  const buffer = r.handle.buffer as SharedArrayBuffer;
  const other = new MessageRing<unknown>(new Int32Array(buffer, 0, HEADER_WORDS), buffer, jsonCodec);
  const s = select([a, [r, { n: 7 }]], { priority: true });
  expect(r.offer('other')).toBe(false); // no taker: nothing transferred, but encoded in the scratch
  expect(() => r.offer(10n as never)).toThrow(TypeError); // refused: the scratch now holds "nothing"
  claimAndUndo(r);
  let took = 0;
  for (let k = 0; k < 100 && (took = other.takeOne()) !== 1; k++) await new Promise((res) => setTimeout(res, 5));
  expect(took).toBe(1);
  // Before the fix: 'other', a value whose offer returned false, delivered in place of the select's.
  expect(other.value).toEqual({ n: 7 });
  expect(await s).toEqual([true, r]);
});
