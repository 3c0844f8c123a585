/**
 * A worker that dies blocked in selectSync never releases its doorbell slot, and its bit
 * stays in the select masks of the channels it waited on. When the worker was supervised,
 * supervise frees the slot and clears the bit from the supervised channels (doorbells.ts
 * releaseDeadHolder), so dead selects do not use up the table's 128 slots.
 */
import { expect, test } from 'vitest';
import { sharedChan, supervise } from '../../src/index.js';
import { bitsOf, get, heldSlots, selectState, Selector, untilRegistered } from './workers/selector-client.js';
import { settles } from '../helpers/async.js';

test('a supervised worker terminated while blocked in selectSync leaves no doorbell slot held and no bit in the masks', async () => {
  const a = sharedChan({ type: 'f64', capacity: 2 });
  const b = sharedChan<unknown>({ capacity: 2 });
  const [w] = await Selector.start(1, 'victim');
  supervise(w!.thread, a, b);
  const s = w!.run({ kind: 'select', arms: [get(a), get(b)] });
  s.catch(() => undefined); // it dies: the run rejects
  const slots = await untilRegistered([a, b], 'rx', 'the select');
  expect(bitsOf(heldSlots(a)).length).toBe(1);
  const exited = new Promise((resolve) => w!.thread.once('exit', resolve));
  await w!.terminate();
  await settles(exited, 'the worker exit');
  await settles(new Promise<void>((resolve) => setImmediate(resolve)), 'a turn'); // supervise's exit listener ran
  expect(a.closeReason).toBe('worker-exited');
  expect(
    { held: bitsOf(heldSlots(a)), rxA: bitsOf(selectState(a).rxMask), rxB: bitsOf(selectState(b).rxMask) },
    `slot ${slots}`,
  ).toEqual({ held: [], rxA: [], rxB: [] });
});
