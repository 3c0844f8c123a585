/**
 * Ping-pong over a MessagePort between the two workers: pong echoes every message, ping
 * sends the next round from its 'message' listener. Event-driven, as postMessage code is.
 */
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { signalReady } from './control.js';
import { awaitGo, Recorder } from './latency.js';

export interface PortPingPongData {
  readonly role: 'ping' | 'pong';
  readonly samples: number;
  readonly port: MessagePort;
}

const { role, samples, port } = (workerData as { data: PortPingPongData }).data;

signalReady();
if (role === 'pong') {
  // Ends when ping closes its end: the port closes here too and the worker can exit.
  port.on('message', (v: number) => port.postMessage(v));
} else {
  await awaitGo();
  const rec = new Recorder(samples);
  let i = 0;
  port.on('message', (echo: number) => {
    rec.stop(i);
    if (echo !== i) throw new Error(`ping-pong: sent ${i}, got ${echo} back`);
    if (++i === rec.rounds) {
      port.close();
      rec.report();
      return;
    }
    rec.start();
    port.postMessage(i);
  });
  rec.start();
  port.postMessage(i);
}
