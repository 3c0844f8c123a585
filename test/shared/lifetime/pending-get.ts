/**
 * Lifetime fixture (a): the main thread's only work is a pending `get` on a shared channel; an
 * unref'd worker puts (or closes) after ~200 ms. The pending get alone must keep the process
 * alive until then; afterwards the process must end on its own.
 * argv: <capacity> <put|close> [get|getMany|for-await]
 */
import { sharedChan } from '../../../src/index.js';
import { startTsWorker } from '../../helpers/ts-worker.js';

const capacity = Number(process.argv[2] ?? 1);
const action = process.argv[3] ?? 'put';
const how = process.argv[4] ?? 'get';
const ch = sharedChan({ type: 'f64', capacity });
const worker = startTsWorker(new URL('./put-later.ts', import.meta.url), { handle: ch.handle, delayMs: 200, value: action === 'close' ? null : 42 });
worker.unref(); // only the pending operation may keep this process alive
console.log('waiting');
if (how === 'getMany') {
  const dst = new Float64Array(4);
  const n = await ch.getMany(dst);
  console.log(`got ${n === 0 ? 'undefined' : dst[0]}`);
} else if (how === 'for-await') {
  let first: number | undefined;
  for await (const v of ch) {
    first = v;
    break;
  }
  console.log(`got ${first}`);
} else {
  console.log(`got ${await ch.get()}`);
}
