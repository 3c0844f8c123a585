/**
 * Main-thread consumer of MessagePort for the throughput scenarios: messages (numbers,
 * Float64Array batches, or objects with `tallyMessage`) are counted in a 'message' listener,
 * the way a postMessage stream is consumed; the iteration ends when the listener has seen all n.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Tally } from '../adapters/adapter.js';
import type { PortStreamData } from '../workers/stream-port.js';
import { add, type OpenStream } from './stream.js';

const WORKER = new URL('../workers/stream-port.ts', import.meta.url);

/** Numbers and Float64Array batches: what workers/stream-port.ts sends. */
function tallyNumbers(msg: number | Float64Array, tally: Tally): void {
  if (typeof msg === 'number') {
    tally.count++;
    tally.sum += msg;
  } else {
    add(tally, msg, msg.length);
  }
}

/**
 * @param worker the producer worker; it gets `{ ctl, n, batch, port }` (PortStreamData).
 * @param tallyMessage counts one message into the tally (and may check it, throwing).
 */
export function openPort<M>(
  worker: URL = WORKER,
  tallyMessage: (msg: M, tally: Tally) => void = tallyNumbers as (msg: M, tally: Tally) => void,
): OpenStream {
  return async (host, n, batch) => {
    const { port1, port2 } = new MessageChannel();
    const data: PortStreamData = { ctl: host.ctl, n, batch, port: port2 };
    await host.start(worker, data, [port2]);

    // The listener lives for the whole task; each iteration installs a fresh tally and target.
    let tally: Tally = { count: 0, sum: 0 };
    let expected = 0;
    let done: (t: Tally) => void = () => {};
    let failed: (err: unknown) => void = () => {};
    port1.on('message', (msg: M) => {
      try {
        tallyMessage(msg, tally);
      } catch (err) {
        // A message that fails its check fails this row (an uncaught throw in a listener
        // would end the whole run instead).
        failed(err);
        return;
      }
      if (tally.count >= expected) done(tally);
    });
    return {
      consume(count) {
        tally = { count: 0, sum: 0 };
        expected = count;
        return new Promise<Tally>((resolve, reject) => {
          done = resolve;
          failed = reject;
        });
      },
      close: () => port1.close(),
    };
  };
}
