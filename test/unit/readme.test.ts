/** The README's examples run as written (with the package import pointed at src/). */
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test, vi } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Runs a README example as a module and returns what it printed. */
async function run(example: string): Promise<unknown[][]> {
  const src = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'sabchan-readme-'));
  const file = join(dir, 'example.ts');
  writeFileSync(file, example.replace("from 'sabchan'", `from ${JSON.stringify(pathToFileURL(src).href)}`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(pathToFileURL(file).href);
    return [...log.mock.calls];
  } finally {
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the README example prints "got 5"', async () => {
  const example = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  expect(await run(example)).toEqual([['got 5']]);
});

test('the Pipelines example prints what its comments say', async () => {
  const example = /## Pipelines[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  expect(await run(example)).toEqual([
    [[0, 20, 40, 60, 80]],
    [[1, 2, 3]],
    [2],
    [4],
    ['not a number: x'],
    [[1, 0, 3]],
  ]);
});
