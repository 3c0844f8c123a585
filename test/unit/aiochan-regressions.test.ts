/**
 * aiochan's verified bugs (reference/semantics.md section 0, item 8), one test each, named
 * after the bug and telling its story. The combinator bugs (take(0), zip, pub) belong to the
 * pipelines issue and are tested there; the promise-buffer and self-select bugs are in
 * constructors.test.ts and select.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { chan, MAX_PENDING, select } from '../../src/index.js';
import { flush, track } from '../contract/pending.js';

describe('aiochan regressions', () => {
  // aiochan returned (False, ch) for a put arm on a closed channel without committing the
  // select's flag, so the get arms registered before it stayed live. Repeating
  // select(open, (closed, x), priority=True) hit the 1024 limit after 1024 iterations.
  test('a put arm on a closed channel commits the select (no leak into the pending limit)', async () => {
    const open = chan<number>();
    const closed = chan<number>();
    closed.close();
    for (let i = 0; i < 10_000; i++) {
      const [ok, c] = await select([open, [closed, i]], { priority: true });
      expect(ok).toBe(false);
      expect(c).toBe(closed);
    }
    const g = open.get();
    await open.put(1);
    expect(await g).toBe(1);
  });

  // aiochan left the future of a cancelled get() in the queue; the next put raised
  // InvalidStateError and its value was lost. Here cancellation withdraws the operation.
  test('a cancelled get leaves the channel working and loses no value', async () => {
    const c = chan<number>();
    const ac = new AbortController();
    const cancelled = c.get({ signal: ac.signal });
    ac.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    const put = track(c.put(42));
    await flush();
    expect(put.settled).toBe(false); // nobody took it: the cancelled get is gone
    expect(await c.get()).toBe(42);
    await flush();
    expect(put.value).toBe(true);
  });

  // aiochan ran a get_nowait/put_nowait callback synchronously inside the *other* party's
  // put or get, so its exception surfaced there. Here completion only settles promises: a
  // throwing continuation never reaches the party that completed it.
  test("an error in one party's continuation never surfaces in the other party", async () => {
    const c = chan<number>();
    const failing = c.get().then(() => {
      throw new Error('consumer bug');
    });
    expect(await c.put(1)).toBe(true); // the put itself is unaffected
    await expect(failing).rejects.toThrow('consumer bug');
    const g = c.get();
    await c.put(2);
    expect(await g).toBe(2);
  });

  // aiochan and core.async's CLJS leave dead select handlers queued and clean them lazily;
  // defaulted selects must never push a channel into the limit.
  test(`${MAX_PENDING} defaulted selects leave nothing queued`, async () => {
    const c = chan<number>();
    for (let i = 0; i < 2 * MAX_PENDING; i++) {
      expect(await select([[c, i]], { default: 42 })).toEqual([42, null]);
      expect(await select([c], { default: 42 })).toEqual([42, null]);
    }
    const g = c.get();
    expect(await c.put(1)).toBe(true);
    expect(await g).toBe(1);
  });
});
