/** The main-thread side of workers/peer.ts: each call runs one operation in the worker. */
import type { Worker } from 'node:worker_threads';
import type { SharedChan } from '../../src/index.js';
import { startTsWorker } from '../helpers/ts-worker.js';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; name: string; message: string };

export class Peer {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = startTsWorker(new URL('./workers/peer.ts', import.meta.url));
    this.worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id)!;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(Object.assign(new Error(reply.message), { name: reply.name }));
    });
    this.worker.unref();
  }

  /** Runs `op` on `ch` in the worker; settles with its result (or its error). */
  call<R = unknown>(
    op: string,
    ch: SharedChan,
    args: { value?: number; values?: number[]; max?: number; timeout?: number; others?: SharedChan[] } = {},
  ): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const others = args.others?.map((c) => c.handle);
      this.worker.postMessage({ id, op, handle: ch.handle, ...args, others });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
