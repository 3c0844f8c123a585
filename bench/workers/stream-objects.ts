/**
 * Producer worker of the objects scenario: sends n objects `{ id, name, values: [8 doubles] }`
 * per iteration, ids 0..n-1, through a sabchan object channel (`putSync`, whatever codec the
 * channel was made with) or a MessagePort (`postMessage`, structured clone). One object is
 * reused and changed in place for every message: both transports copy what they are given
 * (encode / structured clone), so this measures the transport, not the producer's allocator.
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../src/index.js';
import { serveIterations, signalReady } from './control.js';
import type { StreamData } from './stream-data.js';

export interface ObjectStreamData extends StreamData {
  /** Where to send: a shared object channel or a MessagePort. */
  readonly handle?: SharedChanHandle;
  readonly port?: MessagePort;
}

/** The message shape of the scenario (API of the issue: `{ id, name, values: [8 doubles] }`). */
export interface Item {
  id: number;
  name: string;
  values: number[];
}

/** Fills `item` as message `id`: its values sum to 8 * id + 28, so the consumer can check them. */
export function fillItem(item: Item, id: number): void {
  item.id = id;
  item.name = NAMES[id & 7]!;
  for (let i = 0; i < 8; i++) item.values[i] = id + i;
}

const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

const { ctl, n, handle, port } = (workerData as { data: ObjectStreamData }).data;
const item: Item = { id: 0, name: '', values: new Array<number>(8).fill(0) };

if (handle !== undefined) {
  const ch = attach<Item>(handle);
  signalReady();
  serveIterations(
    ctl,
    () => {
      for (let id = 0; id < n; id++) {
        fillItem(item, id);
        if (!ch.putSync(item)) return; // closed: teardown or the stall watchdog
      }
    },
    () => ch.close(),
  );
} else {
  signalReady();
  serveIterations(
    ctl,
    () => {
      for (let id = 0; id < n; id++) {
        fillItem(item, id);
        port!.postMessage(item);
      }
    },
    () => {},
  );
  port!.close();
}
