/**
 * A remote party for cross-thread tests: executes channel operations in this worker thread
 * on request, so a test in the main thread can stage "the other party is in another thread".
 * Requests: { id, op, handle, value?, timeout? }; replies: { id, ok: true, result } or
 * { id, ok: false, name, message }. Blocking ops block this worker only.
 */
import { parentPort } from 'node:worker_threads';
import { attach, select, type SharedChanHandle } from '../../../src/index.js';

interface Request {
  id: number;
  op: 'putSync' | 'getSync' | 'put' | 'get' | 'close' | 'putManySync' | 'getManySync' | 'poll' | 'offer' | 'select' | 'status' | 'spsc' | 'setPrefetch' | 'length' | 'drain';
  handle: SharedChanHandle;
  value?: number;
  values?: number[];
  max?: number;
  timeout?: number;
  /** For 'select': more channels; the arms are [handle, ...others] as get arms. */
  others?: SharedChanHandle[];
}

async function run(req: Request): Promise<unknown> {
  const ch = attach(req.handle);
  const opts = req.timeout === undefined ? undefined : { timeout: req.timeout };
  switch (req.op) {
    case 'putSync':
      return ch.putSync(req.value!, opts);
    case 'getSync':
      return ch.getSync(opts);
    case 'put':
      return ch.put(req.value!);
    case 'get':
      return ch.get();
    case 'offer':
      return ch.offer(req.value!);
    case 'poll':
      return ch.poll();
    case 'close':
      return ch.close();
    case 'setPrefetch':
      ch.setPrefetch(req.value!);
      return true;
    case 'length':
      return ch.length;
    case 'status':
      // How this thread sees the channel's lifecycle (the header, not a message, tells it).
      return { closed: ch.closed, closeReason: ch.closeReason, workerExitCode: ch.workerExitCode };
    case 'spsc':
      return ch.spsc;
    case 'putManySync':
      return ch.putManySync(Float64Array.from(req.values!), opts);
    case 'select': {
      // A Promise-facade select running in this worker: answers [value, index of the arm].
      const arms = [ch, ...req.others!.map((h) => attach(h))];
      const [value, which] = await select(arms);
      return [value, arms.indexOf(which as never)];
    }
    case 'drain': {
      // Takes values with getSync until the channel is closed and drained: every value, in order.
      // `value`, if given, is the spin budget in µs (a long one keeps this thread awake and quick).
      if (req.value !== undefined) ch.setSpin(req.value);
      const got: number[] = [];
      for (let v = ch.getSync(); v !== undefined; v = ch.getSync()) got.push(v);
      return got;
    }
    case 'getManySync': {
      const dst = new Float64Array(req.max!);
      const n = ch.getManySync(dst, opts);
      return Array.from(dst.subarray(0, n));
    }
  }
}

parentPort!.on('message', (req: Request) => {
  run(req).then(
    (result) => parentPort!.postMessage({ id: req.id, ok: true, result }),
    (err: Error) => parentPort!.postMessage({ id: req.id, ok: false, name: err.name, message: err.message }),
  );
});
