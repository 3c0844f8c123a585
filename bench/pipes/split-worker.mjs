// The ceiling row of `npm run bench:pipes`: a worker that runs the kernel over a whole range
// [from, to) it is sent and posts back the sum: one message each way per run, no transport
// per value. Plain JS, like the kernel, so it needs no loader.
import { parentPort } from 'node:worker_threads';
import kernel from './kernel.mjs';

parentPort.on('message', ([from, to]) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += kernel(i);
  parentPort.postMessage(sum);
});
