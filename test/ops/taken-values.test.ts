/**
 * A value an op has taken from its input is the op's to deliver: a later change of the op's
 * state must not drop it (found by review; each test failed before its fix).
 * - asyncPipe / asyncPipeUnordered read the input only once a slot is free (async-pipe.ts A1):
 *   a value read ahead and held while waiting for a slot was lost when the output closed, and
 *   its put had completed as if a call had taken it.
 * - mix forwards or drops a value by the modes of the round that took it (mix.ts X4), as
 *   core.async does: an unmix or mute right after the take used to drop it.
 */
import { expect, test } from 'vitest';
import { asyncPipe, asyncPipeUnordered, chan, mix, type Chan } from '../../src/index.js';
import { sleep, track } from '../helpers/async.js';

for (const [name, pipe] of [['asyncPipe', asyncPipe], ['asyncPipeUnordered', asyncPipeUnordered]] as const) {
  /** A pipe with one slot whose call for 1 waits until `release()`. */
  const gated = () => {
    const input = chan<number>();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const out = pipe(input, 1, async (v: number) => {
      if (v === 1) await gate;
      return v;
    });
    return { input, out, release };
  };

  test(`${name}: with n = 1 the input is not read while the one slot is busy (A1)`, async () => {
    const { input, out, release } = gated();
    const p1 = track(input.put(1));
    const p2 = track(input.put(2));
    await sleep(10);
    expect(p1.state).toBe('fulfilled');
    // f(1) still runs: the one slot is busy, so 2 must not have been taken yet.
    expect(p2.state).toBe('pending');
    release();
    out.close();
  });

  test(`${name}: a value is not lost from the input when the output closes (G4)`, async () => {
    const { input, out, release } = gated();
    void input.put(1);
    void input.put(2);
    await sleep(10);
    out.close(); // the consumer goes away while f(1) runs
    release();
    await sleep(10);
    // The stage stopped; 2 was never handed to f, so it must still be in the input.
    expect(input.poll()).toBe(2);
  });
}

test.each([
  ['unmix', (m: ReturnType<typeof mix<number>>, input: Chan<number>) => m.unmix(input)],
  ['a mute', (m: ReturnType<typeof mix<number>>, input: Chan<number>) => m.toggle(input, { mute: true })],
])('mix: a value taken while the input was mixed and unmuted is forwarded even if %s follows at once', async (_, change) => {
  const out = chan<number>(10);
  const m = mix(out);
  const input = chan<number>();
  m.admix(input);
  await sleep(5); // the loop parks a select on [change, input]
  expect(input.offer(1)).toBe(true); // taken by the mix now: its put completed
  change(m, input);
  await sleep(5);
  expect(out.poll()).toBe(1);
});
