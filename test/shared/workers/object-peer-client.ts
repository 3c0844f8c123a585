/** The main-thread side of ./object-peer.ts: each call runs one operation in that worker. */
import type { Worker } from 'node:worker_threads';
import type { SharedChan } from '../../../src/index.js';
import { startTsWorker } from '../../helpers/ts-worker.js';
import type { ObjectPeerRequest } from './object-peer.js';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; name: string; message: string };
type Args = Omit<ObjectPeerRequest, 'id' | 'op' | 'handle'>;

export class ObjectPeer {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Set once the worker failed or exited: later calls reject with it at once. */
  private failure: Error | undefined;

  constructor() {
    this.worker = startTsWorker(new URL('./object-peer.ts', import.meta.url));
    this.worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(Object.assign(new Error(reply.message), { name: reply.name }));
    });
    const fail = (e: Error): void => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`object peer: worker error: ${e.stack ?? e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`object peer: worker exited (code ${code})`)));
    this.worker.unref();
  }

  /** Runs `op` on `ch` in the worker; settles with its result (or its error, name kept). */
  call<R = unknown>(op: ObjectPeerRequest['op'], ch: SharedChan<any>, args: Args = {}): Promise<R> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, handle: ch.handle, ...args });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
