/**
 * Main-thread consumers of the objects scenario: a sabchan object channel (JSON or struct
 * codec; `await get()` or `getSync()`) and a MessagePort (structured clone, counted in a
 * `message` listener). Each tallies count and the sum of ids, and checks every object's
 * values, so a transport that garbles a message fails its row.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Tally } from '../adapters/adapter.js';
import { sharedChan, structCodec, type SharedChan } from '../../src/index.js';
import type { Item, ObjectStreamData } from '../workers/stream-objects.js';
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

export function openObjectPort(): OpenStream {
  return async (host, n) => {
    const { port1, port2 } = new MessageChannel();
    const data: ObjectStreamData = { ctl: host.ctl, n, batch: 1, port: port2 };
    await host.start(WORKER, data, [port2]);
    let tally: Tally = { count: 0, sum: 0 };
    let expected = 0;
    let done: (t: Tally) => void = () => {};
    port1.on('message', (item: Item) => {
      check(item, tally);
      if (tally.count >= expected) done(tally);
    });
    return {
      consume(count) {
        tally = { count: 0, sum: 0 };
        expected = count;
        return new Promise<Tally>((resolve) => {
          done = resolve;
        });
      },
      close: () => port1.close(),
    };
  };
}
