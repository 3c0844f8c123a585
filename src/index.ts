/**
 * sabchan: Go/core.async-style CSP channels for TypeScript.
 * Public surface: explicit named re-exports only (API.md is the contract).
 */
export { chan, promiseChan } from './core/chan.js';
export { buffers } from './core/buffers.js';
export type { BufferSpec } from './core/buffers.js';
export { timeout } from './core/timers.js';
export { select } from './select/select.js';
export type { SelectArm, SelectOptions, SelectResult } from './select/select.js';
export { PendingLimitError } from './errors.js';
export { MAX_PENDING } from './protocol.js';
export type { Chan, WaitOptions } from './protocol.js';
export { sharedChan, attach } from './shared/create.js';
export type { SharedChanOptions } from './shared/create.js';
export { SharedChan } from './shared/shared-chan.js';
export { supervise } from './shared/supervise.js';
export type { StopSupervising, SupervisedChannel, SupervisedWorker } from './shared/supervise.js';
export type { CloseReason } from './shared/repair.js';
export type { NumericArray } from './shared/bulk-ops.js';
export type { SharedChanHandle, Policy } from './shared/handle.js';
export type { LaneType } from './shared/layout.js';
export { TimeoutError, AttachError } from './errors.js';
