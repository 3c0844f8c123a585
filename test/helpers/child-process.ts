/**
 * Runs a TypeScript file in a child `node --import tsx` process, as a user's script would
 * run, for the tests that ask whether a process exits on its own. A child still alive at the
 * bound is killed: the bound only turns "never exits" into a failure, it asserts no duration.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child was still running at the bound and had to be killed. */
  killed: boolean;
  /** The bound it ran under, in milliseconds. */
  boundMs: number;
}

/** Runs `script` with `args` (from the repository root) and collects its exit and output. */
export function runTsChild(script: string, args: string[], boundMs: number): Promise<ChildResult> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the child gets exactly the loader below, nothing of the runner's
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed, boundMs });
    });
  });
}

/** How the child ended and what it printed, for assertion messages. */
export function describeChild(r: ChildResult): string {
  return `exit code ${r.code}, signal ${r.signal}${r.killed ? `, KILLED: still alive after ${r.boundMs} ms` : ''}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}
