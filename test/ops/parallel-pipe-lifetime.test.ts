/**
 * After a parallelPipe ends (input closed and drained, output closed by the consumer, a stage
 * stuck in a loop when the output closed, a worker that died), or while it is idle on an open
 * in-thread input, the process exits on its own.
 * Each case runs ./fixtures/lifetime.ts in a child `node --import tsx` process; a child still
 * alive after BOUND_MS is killed and the test fails (the bound only turns "never exits" into
 * a failure; nothing here asserts a duration).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeChild, runTsChild } from '../helpers/child-process.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/lifetime.ts', import.meta.url));
const BOUND_MS = 20_000;

const expected: Record<string, string> = {
  complete: `sum ${Array.from({ length: 1000 }, (_, i) => i * i).reduce((a, b) => a + b)}\n`,
  'close-output': 'closed\n',
  stuck: 'got 1 2, closed\n',
  crash: 'exited unexpectedly (exit code 3)\n',
  // Workers were unref'd before their 'message' listener, which refs them again: an idle
  // pipeline held the process (found by review).
  idle: 'got 1 4 9\n',
};

describe('process lifetime after a parallelPipe', () => {
  for (const [scenario, stdout] of Object.entries(expected)) {
    it(`${scenario}: the process exits on its own, code 0`, async () => {
      const r = await runTsChild(FIXTURE, [scenario], BOUND_MS);
      expect(r.killed, describeChild(r)).toBe(false);
      expect(r.stdout, describeChild(r)).toBe(stdout);
      expect(r.code, describeChild(r)).toBe(0);
    }, 40_000);
  }
});
