/**
 * Ping-pong over two sabchan shared channels with the blocking forms: ping does
 * `ping.putSync(i); pong.getSync()`, pong echoes with `pong.putSync(ping.getSync())`.
 * sabchan's sync calls spin for an adaptive budget before they sleep (src/shared/wait.ts),
 * unless `spin` fixes it (0: sleep at once, the blocking row).
 */
import { workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../src/index.js';
import { signalReady } from './control.js';
import { awaitGo, Recorder, runBlockingRounds } from './latency.js';

export interface SabchanPingPongData {
  readonly role: 'ping' | 'pong';
  readonly samples: number;
  readonly ping: SharedChanHandle;
  readonly pong: SharedChanHandle;
  readonly spin: number | 'adaptive';
}

const data = (workerData as { data: SabchanPingPongData }).data;
const ping = attach(data.ping).setSpin(data.spin);
const pong = attach(data.pong).setSpin(data.spin);

signalReady();
if (data.role === 'pong') {
  // Ends when ping closes its channel: getSync then returns undefined.
  for (let v = ping.getSync(); v !== undefined; v = ping.getSync()) pong.putSync(v);
} else {
  await awaitGo();
  const rec = runBlockingRounds(new Recorder(data.samples), (i) => {
    ping.putSync(i);
    return pong.getSync() ?? -1;
  });
  ping.close();
  rec.report();
}
