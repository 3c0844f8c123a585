/**
 * Test helpers that stand in for another thread without starting one: a second view of a
 * numeric channel's ring (with its own cached positions, as a worker's would be), and a
 * selectSync that nobody answers, counted.
 */
import type { SharedChan } from '../../src/index.js';
import { selectSync } from '../../src/index.js';
import { DOORBELL_MAGIC, HEADER_WORDS, IDX_CONS_TAIL, IDX_SLOTS, SZ_HEADER, type LaneType } from '../../src/shared/layout.js';
import { laneView } from '../../src/shared/lanes.js';
import { NumericRing } from '../../src/shared/ring.js';

/** Another thread's view of `ch`'s ring (numeric channels). */
export function otherThread(ch: { handle: { buffer: unknown } }, type: LaneType = 'f64'): NumericRing {
  const buffer = ch.handle.buffer as SharedArrayBuffer;
  const words = new Int32Array(buffer, 0, HEADER_WORDS);
  return new NumericRing(words, laneView(type, buffer, SZ_HEADER, words[IDX_SLOTS]!));
}

/** Takes one value through `ring`, retrying every 5 ms for up to `ms`; null if none came. */
export async function takeFrom(ring: NumericRing, ms: number): Promise<number | null> {
  for (let k = 0; k < ms / 5; k++) {
    if (ring.takeOne() === 1) return ring.value as number;
    await new Promise((r) => setTimeout(r, 5));
  }
  return null;
}

/**
 * Runs a selectSync that nobody answers for `ms`, counting its sleeps on a doorbell, those cut
 * short ('not-equal': the doorbell had moved since the select read it, here only ever by the
 * select's own commits), and the values `r` took back (each withdrawal moves CONS_TAIL by one).
 */
export function unanswered(
  r: SharedChan,
  arms: Parameters<typeof selectSync>[0],
  ms: number,
): { outcome: string; sleeps: number; cutShort: number; takeBacks: number } {
  const sleeps: string[] = [];
  const wait = Atomics.wait;
  Atomics.wait = ((ta: Int32Array, i: number, v: number, t?: number) => {
    const result = wait(ta, i, v, t);
    if (ta[0] === DOORBELL_MAGIC) sleeps.push(result);
    return result;
  }) as typeof Atomics.wait;
  let outcome = 'completed';
  try {
    selectSync(arms, { timeout: ms });
  } catch (err) {
    outcome = (err as Error).name;
  } finally {
    Atomics.wait = wait;
  }
  const takeBacks = Atomics.load(new Int32Array(r.handle.buffer, 0, HEADER_WORDS), IDX_CONS_TAIL);
  return { outcome, sleeps: sleeps.length, cutShort: sleeps.filter((x) => x === 'not-equal').length, takeBacks };
}
