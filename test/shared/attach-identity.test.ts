/**
 * A handle that reaches a thread twice arrives as two SharedArrayBuffer objects over one
 * memory; attach must still give that thread one object per channel, or the thread's two
 * objects would each keep their own FIFO of parked operations (shared-port.ts H1).
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { attach, sharedChan, type SharedChanHandle } from '../../src/index.js';

/** Structured-clones a handle the way postMessage does (a new buffer object, same memory). */
function cloneHandle(handle: SharedChanHandle): SharedChanHandle {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(handle);
  const copy = receiveMessageOnPort(port2)!.message as SharedChanHandle;
  port1.close();
  return copy;
}

test('a handle received twice attaches to the same object', () => {
  const ch = sharedChan({ type: 'i32', capacity: 4 });
  const first = cloneHandle(ch.handle);
  const second = cloneHandle(ch.handle);
  expect(first.buffer).not.toBe(second.buffer); // two buffer objects...
  expect(attach(first)).toBe(attach(second)); // ...one channel object
  expect(attach(first)).toBe(ch); // and the creator's own object in its thread
});

test('different channels with the same configuration attach to different objects', () => {
  const a = sharedChan({ type: 'i32', capacity: 4 });
  const b = sharedChan({ type: 'i32', capacity: 4 });
  expect(attach(cloneHandle(a.handle))).toBe(a);
  expect(attach(cloneHandle(b.handle))).toBe(b);
  a.offer(1);
  expect(b.poll()).toBeUndefined();
});
