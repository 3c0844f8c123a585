/**
 * Where and on what the numbers were taken: printed first and stored with every result,
 * because throughput on a shared 2-core machine means little without the load and commit.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface Machine {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly loadavg: readonly number[];
  /** Short commit hash, or 'unknown' outside a git checkout or before the first commit. */
  readonly commit: string;
  /** Whether the working tree differs from that commit (undefined when git is unavailable). */
  readonly dirty: boolean | undefined;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    loadavg: os.loadavg(),
    commit: git('rev-parse', '--short', 'HEAD') ?? 'unknown',
    dirty: dirtyTree(),
  };
}

export function formatLoad(loadavg: readonly number[]): string {
  return loadavg.map((l) => l.toFixed(2)).join(' / ');
}

export function describeCommit(m: Machine): string {
  if (m.dirty === undefined) return m.commit;
  return m.dirty ? `${m.commit} + uncommitted changes` : m.commit;
}

function dirtyTree(): boolean | undefined {
  const status = git('status', '--porcelain');
  return status === undefined ? undefined : status.length > 0;
}

/** Trimmed stdout, or undefined when git is missing or the command fails. */
function git(...args: string[]): string | undefined {
  try {
    const stdio: ['ignore', 'pipe', 'ignore'] = ['ignore', 'pipe', 'ignore'];
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio }).trim();
  } catch {
    return undefined;
  }
}
