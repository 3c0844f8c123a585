/** The main-thread side of workers/peer.ts: each call runs one operation in the worker. */
import type { Worker } from 'node:worker_threads';
import { afterAll } from 'vitest';
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

/**
 * A peer for calls that return at once and one for calls that block their thread (a worker
 * blocked in a call answers nothing else), both terminated after the file's tests.
 */
export function usePeers(): { peer: Peer; blockedPeer: Peer } {
  const peers = { peer: new Peer(), blockedPeer: new Peer() };
  afterAll(async () => {
    await peers.peer.terminate();
    await peers.blockedPeer.terminate();
  });
  return peers;
}

/** Waits a few event-loop turns: long enough for a wake-up from another thread to arrive if it was sent. */
export const turns = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));
