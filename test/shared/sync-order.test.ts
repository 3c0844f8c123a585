/**
 * H1 (shared-chan.ts) on the sync fast path: a `putSync` never overtakes a put that this
 * thread parked earlier, even when another thread has just made room in the ring and this
 * thread has not yet been woken to move its parked put in. The "other thread" is a second
 * view of the same ring (what a worker's attach sees), so no wake-up reaches this thread's
 * watcher before the `putSync` runs.
 */
import { describe, expect, it } from 'vitest';
import { sharedChan } from '../../src/index.js';
import { HEADER_WORDS, SZ_HEADER, type LaneType } from '../../src/shared/layout.js';
import { laneView } from '../../src/shared/lanes.js';
import { NumericRing } from '../../src/shared/ring.js';

describe.each<LaneType>(['f64', 'i32', 'u8'])('%s channel', (type) => {
  it('putSync goes behind this thread\'s parked put when another thread freed the room', async () => {
    const ch = sharedChan({ type, capacity: 2 });
    const other = new NumericRing(new Int32Array(ch.handle.buffer, 0, HEADER_WORDS), laneView(type, ch.handle.buffer, SZ_HEADER, 2));
    expect(ch.putSync(1)).toBe(true);
    expect(ch.putSync(2)).toBe(true);
    const parked = ch.put(3); // full: parks in this thread
    // The other thread takes both values: the ring has room for two, and this thread has not
    // been told yet.
    expect(other.takeOne()).toBe(1);
    expect(other.value).toBe(1);
    expect(other.takeOne()).toBe(1);
    expect(other.value).toBe(2);
    expect(ch.putSync(4)).toBe(true); // moves the parked 3 in first, then 4
    await expect(parked).resolves.toBe(true);
    expect([ch.getSync(), ch.getSync()]).toEqual([3, 4]);
    ch.close();
  });
});
