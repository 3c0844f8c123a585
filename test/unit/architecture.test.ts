/**
 * Dependency rules of src/ (DESIGN.md): the layers may only import what they are allowed to,
 * so that the in-thread core never grows a dependency on the cross-thread flavor, and the
 * combinators work on any flavor through the port protocol alone.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level folder (or file) under src/ that an import specifier resolves into. */
function layerOf(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null; // node: builtins
  const target = relative(src, join(fromFile, '..', specifier));
  return target.split(/[\\/]/)[0]!.replace(/\.js$/, '');
}

/** layer -> layers it must never import. */
const forbidden: Record<string, string[]> = {
  core: ['shared', 'ops', 'demo'],
  shared: ['core', 'ops', 'demo'],
  internal: ['core', 'select', 'shared', 'codec', 'ops', 'demo'],
  select: ['shared', 'core', 'ops', 'demo'],
  codec: ['shared', 'core', 'select', 'ops', 'demo'],
  ops: ['shared', 'demo'],
  protocol: ['core', 'select', 'shared', 'codec', 'ops', 'demo'],
  errors: ['core', 'select', 'shared', 'codec', 'ops', 'demo'],
};

/**
 * file -> layers it may import despite `forbidden`. select/facade.ts is the base class of
 * every channel flavor, and its combinator methods (`ch.map(f)`) call the src/ops functions:
 * methods, rather than ops patching the prototype as a side effect, which a bundler would
 * drop under `"sideEffects": false`. Only the facade gets this; the rest of select/ may not.
 */
const allowed: Record<string, string[]> = {
  'select/facade.ts': ['ops'],
};

test('src/ layers import only what DESIGN.md allows, and nothing at runtime from npm', () => {
  const violations: string[] = [];
  let checked = 0;
  for (const file of sourceFiles(src)) {
    const layer = relative(src, file).split(/[\\/]/)[0]!.replace(/\.ts$/, '');
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      checked++;
      if (!specifier!.startsWith('.') && !specifier!.startsWith('node:')) {
        violations.push(`${relative(src, file)} imports the package ${specifier}`);
        continue;
      }
      const target = layerOf(file, specifier!);
      const path = relative(src, file).split(/[\\/]/).join('/');
      if (target !== null && forbidden[layer]?.includes(target) && !allowed[path]?.includes(target)) {
        violations.push(`${relative(src, file)} (${layer}) imports ${specifier} (${target})`);
      }
    }
  }
  expect(checked).toBeGreaterThan(15); // the parser does see the imports
  expect(violations).toEqual([]);
});

/**
 * The combinators make an import cycle (facade -> ops -> core/chan -> facade-base). It is
 * safe only because facade.ts loads the class (facade-base.ts) before ops: then a program may
 * enter the module graph at any module and still find every channel class and its methods.
 * Each entry runs in a fresh process (a module graph is evaluated once per process).
 */
test('any src module can be the first one loaded: no class is used before it is defined', () => {
  const entries = ['shared/create.ts', 'core/chan.ts', 'select/select.ts', 'ops/index.ts', 'shared/pool/parallel-pipe.ts', 'select/facade-base.ts'];
  const script = entries
    .map((e) => `await import(${JSON.stringify(new URL(e, new URL('../../src/', import.meta.url)).href)});`)
    .join('\n');
  for (const [i] of entries.entries()) {
    // Entry i first, then the others (so that a chain method can be called on both flavors).
    const order = [script.split('\n')[i], ...script.split('\n').filter((_, k) => k !== i)].join('\n');
    const probe = `${order}
const { chan } = await import(${JSON.stringify(new URL('../../src/core/chan.ts', import.meta.url).href)});
const { sharedChan } = await import(${JSON.stringify(new URL('../../src/shared/create.ts', import.meta.url).href)});
const c = chan(2); c.offer(1); c.close();
const s = sharedChan({ type: 'f64', capacity: 2 }); s.offer(2); s.close();
console.log(JSON.stringify([await c.map((x) => x + 1).collect(), await s.map((x) => x + 1).collect()]));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../', import.meta.url)) });
    expect(`${r.stdout}${r.stderr}`.trim(), `entering at ${entries[i]}`).toBe('[[2],[3]]');
  }
}, 60_000);
