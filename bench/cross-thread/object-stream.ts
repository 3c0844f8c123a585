/**
 * Main-thread consumers of the objects scenario: a sabchan object channel (JSON or struct
 * codec; `await get()` or `getSync()`) and a MessagePort (structured clone, counted in a
 * `message` listener by ./port-stream.ts). Each tallies count and the sum of ids, and checks
 * every object's values, so a transport that garbles a message fails its row.
 */
import type { Tally } from '../adapters/adapter.js';
import { sharedChan, structCodec, type SharedChan } from '../../src/index.js';
import type { Item, ObjectStreamData } from '../workers/stream-objects.js';
import { openPort } from './port-stream.js';
import type { OpenStream } from './stream.js';

const WORKER = new URL('../workers/stream-objects.ts', import.meta.url);

/** The struct codec of the scenario's shape: 4 + 17 + 64 = 85 bytes per message. */
export const itemCodec = structCodec({ id: 'u32', name: 'string:16', values: 'f64[8]' });

function check(item: Item, tally: Tally): void {
  const v = item.values;
  if (v.length !== 8 || v[0] !== item.id || v[7] !== item.id + 7 || item.name.length === 0) {
    throw new Error(`message ${tally.count} arrived garbled: ${JSON.stringify(item)}`);
  }
  tally.count++;
  tally.sum += item.id;
}

export function openObjectChannel(codec: 'json' | 'struct', mode: 'await' | 'sync', capacity: number): OpenStream {
  return async (host, n) => {
    const ch = (codec === 'json' ? sharedChan<Item>({ capacity }) : sharedChan({ codec: itemCodec, capacity })) as SharedChan<Item>;
    const data: ObjectStreamData = { ctl: host.ctl, n, batch: 1, handle: ch.handle };
    await host.start(WORKER, data);
    return { consume: (count) => (mode === 'await' ? consumeAwait(ch, count) : consumeSync(ch, count)), close: () => ch.close() };
  };
}

async function consumeAwait(ch: SharedChan<Item>, n: number): Promise<Tally> {
  const tally = { count: 0, sum: 0 };
  while (tally.count < n) {
    const item = await ch.get();
    if (item === undefined) break;
    check(item, tally);
  }
  return tally;
}

function consumeSync(ch: SharedChan<Item>, n: number): Tally {
  const tally = { count: 0, sum: 0 };
  while (tally.count < n) {
    const item = ch.getSync();
    if (item === undefined) break;
    check(item, tally);
  }
  return tally;
}

/** MessagePort (structured clone) to the same worker, each object checked the same way. */
export function openObjectPort(): OpenStream {
  return openPort<Item>(WORKER, check);
}
