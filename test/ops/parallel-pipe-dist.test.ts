/**
 * The built package runs parallelPipe as users get it: the pool starts dist/.../worker.js
 * directly (from source it goes through a tsx boot file instead), and the stage is a plain JS
 * module given as a path.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'sabchan-ppipe-dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('parallelPipe from the built package, with a .js stage given as a path', async () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'src'), '--outDir', join(out, 'dist')], { stdio: 'pipe' });
  const stage = join(out, 'cube.js');
  writeFileSync(stage, 'export async function cube(x) { return x * x * x; }\n');
  const lib = await import(pathToFileURL(join(out, 'dist', 'index.js')).href);
  const input = lib.chan(16);
  const output = lib.parallelPipe(input, 2, stage, { exportName: 'cube' });
  void (async () => {
    for (let i = 0; i < 200; i++) await input.put(i);
    input.close();
  })();
  const got: number[] = [];
  for (let v = await output.get(); v !== undefined; v = await output.get()) got.push(v);
  expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i ** 3));
}, 90_000);
