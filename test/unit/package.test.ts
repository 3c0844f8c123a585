/**
 * The package a user installs: `npm run build` output, loaded the way package.json's
 * `exports` points at it, has the API.md names and their type declarations.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'sabchan-dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('package.json points exports at dist/ with types, ESM, Node >= 20, no runtime deps', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.name).toBe('sabchan');
  expect(pkg.type).toBe('module');
  expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
  expect(pkg.engines.node).toBe('>=20');
  expect(pkg.dependencies ?? {}).toEqual({});
});

test('the build emits working ESM with declarations', async () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'src'), '--outDir', out], { stdio: 'pipe' });
  expect(existsSync(join(out, 'index.d.ts'))).toBe(true);
  expect(existsSync(join(out, 'demo'))).toBe(false); // the demo is not part of the package
  const lib = await import(pathToFileURL(join(out, 'index.js')).href);
  for (const name of ['chan', 'promiseChan', 'buffers', 'timeout', 'select', 'PendingLimitError', 'merge', 'pipelineError']) {
    expect(lib[name], name).toBeDefined();
  }
  const c = lib.chan(1);
  expect(await c.put(1)).toBe(true);
  expect(await c.get()).toBe(1);
  // The combinators' import cycle (facade -> ops -> chan) also works as plain built ESM.
  expect(await lib.range(3).map((x: number) => x + 1).collect()).toEqual([1, 2, 3]);
  const types = readFileSync(join(out, 'index.d.ts'), 'utf8');
  expect(types).toMatch(/Chan/);
}, 60_000);
