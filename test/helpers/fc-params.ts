/**
 * fast-check run parameters shared by the property tests.
 *
 *   NUM_RUNS=1000 npx vitest run test/property        # more runs than the CI default
 *   SEED=-123456 npx vitest run test/property -t 'fixed'   # replay a reported seed
 *   SEED=-123456 FC_PATH='12:3:0' npx vitest run ...       # ...straight to the shrunk case
 *
 * fast-check prints `seed` and `path` in the failure message of every failed property.
 * Since SEED/FC_PATH apply to every property in the run, narrow the run with `-t` when replaying.
 */
import type fc from 'fast-check';

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Number of runs: env NUM_RUNS if set, else `defaultRuns`. */
export function numRuns(defaultRuns: number): number {
  const n = envInt('NUM_RUNS');
  if (n !== undefined && n < 1) throw new Error('NUM_RUNS must be >= 1');
  return n ?? defaultRuns;
}

export function propParams<T>(defaultRuns: number): fc.Parameters<T> {
  const params: fc.Parameters<T> = { numRuns: numRuns(defaultRuns) };
  const seed = envInt('SEED');
  if (seed !== undefined) params.seed = seed;
  const path = process.env['FC_PATH'];
  if (path !== undefined && path !== '') params.path = path;
  if (process.env['FC_VERBOSE']) params.verbose = 2;
  return params;
}

/** A vitest timeout that grows with NUM_RUNS so long local runs do not time out. */
export function testTimeout(defaultRuns: number, msPerRun = 100): number {
  return Math.max(30_000, numRuns(defaultRuns) * msPerRun);
}
