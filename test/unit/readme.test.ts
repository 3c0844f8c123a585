/** The README's first example runs as written (with the package import pointed at src/). */
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test, vi } from 'vitest';

test('the README example prints "got 5"', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const src = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'sabchan-readme-'));
  const file = join(dir, 'example.ts');
  writeFileSync(file, example.replace("from 'sabchan'", `from ${JSON.stringify(pathToFileURL(src).href)}`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(pathToFileURL(file).href);
    expect(log.mock.calls).toEqual([['got 5']]);
  } finally {
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
});
