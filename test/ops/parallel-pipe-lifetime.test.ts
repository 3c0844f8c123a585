/**
 * After a parallelPipe ends (input closed and drained, output closed by the consumer, a stage
 * stuck in a loop when the output closed, a worker that died), the process exits on its own.
 * Each case runs ./fixtures/lifetime.ts in a child `node --import tsx` process; a child still
 * alive after BOUND_MS is killed and the test fails (the bound only turns "never exits" into
 * a failure; nothing here asserts a duration).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/lifetime.ts', import.meta.url));
const BOUND_MS = 20_000;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

function run(scenario: string): Promise<ChildResult> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, scenario], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, BOUND_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

const show = (r: ChildResult): string =>
  `exit code ${r.code}${r.killed ? `, KILLED: still alive after ${BOUND_MS} ms` : ''}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

const expected: Record<string, string> = {
  complete: `sum ${Array.from({ length: 1000 }, (_, i) => i * i).reduce((a, b) => a + b)}\n`,
  'close-output': 'closed\n',
  stuck: 'got 1 2, closed\n',
  crash: 'exited unexpectedly (exit code 3)\n',
};

describe('process lifetime after a parallelPipe', () => {
  for (const [scenario, stdout] of Object.entries(expected)) {
    it(`${scenario}: the process exits on its own, code 0`, async () => {
      const r = await run(scenario);
      expect(r.killed, show(r)).toBe(false);
      expect(r.stdout, show(r)).toBe(stdout);
      expect(r.code, show(r)).toBe(0);
    }, 40_000);
  }
});
