/**
 * A remote party for object-channel tests (like ./peer.ts, which attaches with no options):
 * attaches with a custom codec when asked (`codec`: a key of CUSTOM_CODECS), and runs one
 * operation per request. Requests: { id, op, handle, codec?, value?, values?, count?,
 * timeout? }; replies: { id, ok: true, result } or { id, ok: false, name, message }.
 */
import { parentPort } from 'node:worker_threads';
import { attach, type SharedChan, type SharedChanHandle } from '../../../src/index.js';
import { CUSTOM_CODECS } from './object-codecs.js';

export interface ObjectPeerRequest {
  id: number;
  op: 'attach' | 'putSync' | 'getSync' | 'putEach' | 'getEach' | 'close' | 'get' | 'putAll';
  handle: SharedChanHandle;
  /** A key of CUSTOM_CODECS: attach with that codec (else with no options). */
  codec?: string;
  value?: unknown;
  values?: unknown[];
  count?: number;
  timeout?: number;
}

function open(req: ObjectPeerRequest): SharedChan<unknown> {
  if (req.codec === undefined) return attach<unknown>(req.handle);
  const make = CUSTOM_CODECS[req.codec];
  if (make === undefined) throw new Error(`object-peer: no codec '${req.codec}'`);
  return attach<unknown>(req.handle, { codec: make() });
}

async function run(req: ObjectPeerRequest): Promise<unknown> {
  const ch = open(req);
  const opts = req.timeout === undefined ? undefined : { timeout: req.timeout };
  switch (req.op) {
    case 'attach':
      // What this thread knows about the channel: its codec's name and its options.
      return { codec: ch.codec?.name, capacity: ch.capacity, type: ch.type };
    case 'putSync':
      return ch.putSync(req.value, opts);
    case 'getSync':
      return ch.getSync(opts);
    case 'get':
      return ch.get();
    case 'close':
      ch.close();
      return true;
    case 'putAll':
      // Promise-facade puts, all started at once (those that wait park in this thread, in
      // order); resolves with their results once all settled.
      return Promise.all(req.values!.map((v) => ch.put(v)));
    case 'putEach': {
      // Single putSyncs in order; the count accepted (stops at the first false).
      let n = 0;
      for (const v of req.values!) {
        if (!ch.putSync(v, opts)) break;
        n++;
      }
      return n;
    }
    case 'getEach': {
      // Up to `count` getSyncs; stops early at undefined (closed and drained).
      const out: unknown[] = [];
      for (let i = 0; i < req.count!; i++) {
        const v = ch.getSync(opts);
        if (v === undefined) break;
        out.push(v);
      }
      return out;
    }
  }
}

parentPort!.on('message', (req: ObjectPeerRequest) => {
  run(req).then(
    (result) => parentPort!.postMessage({ id: req.id, ok: true, result }),
    (err: Error) => parentPort!.postMessage({ id: req.id, ok: false, name: err.name, message: err.message }),
  );
});
