/**
 * Process lifetime: a pending operation on a shared channel keeps a Node process alive (a
 * pending Atomics.waitAsync alone would not), and a process with nothing pending exits on its
 * own. Each case runs a fixture (./lifetime/*.ts) in a child `node --import tsx` process and
 * checks its output and exit code; a child still alive after BOUND_MS is killed and the test
 * fails (no timing assertions: the bound only turns "never exits" into a failure).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeChild, runTsChild, type ChildResult } from '../helpers/child-process.js';

const BOUND_MS = 10_000;

/** Runs ./lifetime/<name> with `args` in a child process. */
const runFixture = (name: string, args: string[] = []): Promise<ChildResult> =>
  runTsChild(fileURLToPath(new URL(`./lifetime/${name}`, import.meta.url)), args, BOUND_MS);

describe.concurrent('process lifetime with shared channels', () => {
  it('(a) a pending get keeps the process alive until a worker puts; then it prints the value and exits 0', async () => {
    const r = await runFixture('pending-get.ts', ['1', 'put', 'get']);
    expect(r.killed, describeChild(r)).toBe(false);
    // Exiting early (nothing holding the process) would end with code 13 (unsettled
    // top-level await) before "got 42".
    expect(r.stdout, describeChild(r)).toBe('waiting\ngot 42\n');
    expect(r.code, describeChild(r)).toBe(0);
  }, 30_000);

  it('(a) the same for a pending getMany, a pending for-await and a rendezvous get', async () => {
    const runs = await Promise.all([
      runFixture('pending-get.ts', ['4', 'put', 'getMany']),
      runFixture('pending-get.ts', ['2', 'put', 'for-await']),
      runFixture('pending-get.ts', ['0', 'put', 'get']),
    ]);
    for (const r of runs) {
      expect(r.killed, describeChild(r)).toBe(false);
      expect(r.stdout, describeChild(r)).toBe('waiting\ngot 42\n');
      expect(r.code, describeChild(r)).toBe(0);
    }
  }, 30_000);

  it('(a) a pending get ended by a close in a worker: resolves undefined, then the process exits 0', async () => {
    const r = await runFixture('pending-get.ts', ['1', 'close', 'get']);
    expect(r.killed, describeChild(r)).toBe(false);
    expect(r.stdout, describeChild(r)).toBe('waiting\ngot undefined\n');
    expect(r.code, describeChild(r)).toBe(0);
  }, 30_000);

  it('(b) after gets and puts that parked and completed (in-thread, by workers, by a close), the process exits on its own', async () => {
    const r = await runFixture('settled.ts');
    expect(r.killed, `the process did not exit after its work was done: something still holds it\n${describeChild(r)}`).toBe(false);
    expect(r.stdout, describeChild(r)).toBe('done\n');
    expect(r.code, describeChild(r)).toBe(0);
  }, 30_000);

  it('(c) pending gets and puts withdrawn by an AbortSignal do not keep the process alive', async () => {
    const r = await runFixture('aborted.ts');
    expect(r.killed, `an aborted operation kept the process alive\n${describeChild(r)}`).toBe(false);
    expect(r.stdout, describeChild(r)).toBe(
      ['get: rejected AbortError', 'get with timeout signal: rejected TimeoutError', 'put: rejected AbortError', 'rendezvous put: rejected TimeoutError', 'done', ''].join('\n'),
    );
    expect(r.code, describeChild(r)).toBe(0);
  }, 30_000);
});
