/**
 * Regression test (found by review of 1f75cc9, which made Pipeline.finish wait for the
 * workers to exit before closing the output; it failed then). A worker whose stage module
 * holds a ref'd handle (a module-level timer) never exits by itself, so the output never
 * closed: the consumer waited forever for the end of a pipeline whose every result it had.
 * finish now waits only until every worker loaded the stage module (or failed to).
 */
import { expect, it } from 'vitest';
import { chan, type Chan } from '../../src/index.js';
import { parallelPipe } from '../../src/index.js';

const STAGE = new URL('./fixtures/timer-stage.ts', import.meta.url);

function source(values: readonly number[]): Chan<number> {
  const ch = chan<number>(values.length + 1);
  for (const v of values) ch.offer(v);
  ch.close();
  return ch;
}

async function drainWithin(out: Chan<number>, ms: number): Promise<number[] | 'hung'> {
  const values: number[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return 'hung';
    const v = await Promise.race([out.get(), new Promise<'t'>((r) => setTimeout(() => r('t'), left))]);
    if (v === 't') {
      out.close();
      return 'hung';
    }
    if (v === undefined) return values;
    values.push(v);
  }
}

it('a stage module with a timer: the output still closes once every result is out', async () => {
  const out = parallelPipe(source([1, 2, 3]), 2, STAGE);
  expect(await drainWithin(out, 5000)).toEqual([1, 4, 9]);
}, 20_000);

it('a stage that leaves a ref\'d timer per call: the output closes without waiting it out', async () => {
  const out = parallelPipe(source([1, 2, 3]), 1, STAGE, { exportName: 'squareWithTimer' });
  expect(await drainWithin(out, 5000)).toEqual([1, 4, 9]);
}, 20_000);
