/**
 * Ping-pong baseline: the least a blocking round trip can cost, two Int32 words in a
 * SharedArrayBuffer and Atomics.wait/notify, nothing else. Ping stores round i+1 in PING
 * and waits for PONG to equal it; pong waits for PING to change and copies it to PONG. Every
 * store is followed by a notify whether or not anyone sleeps, as plain wait/notify code does.
 *
 * `spinMicros` > 0 first re-checks the word for that long before sleeping, the classic
 * spin-then-park: the floor for a channel whose sync calls spin before sleeping.
 */
import { workerData } from 'node:worker_threads';
import { signalReady } from './control.js';
import { awaitGo, Recorder, runBlockingRounds } from './latency.js';

export interface AtomicsPingPongData {
  readonly role: 'ping' | 'pong';
  readonly samples: number;
  /** Int32Array(2) over a SharedArrayBuffer: [PING, PONG]. */
  readonly words: Int32Array;
  readonly spinMicros: number;
}

const PING = 0;
const PONG = 1;
/** Written to PING to end the pong loop (rounds count from 1). */
const DONE = -1;

const { role, samples, words, spinMicros } = (workerData as { data: AtomicsPingPongData }).data;

/** Returns once words[idx] !== old, spinning first if configured. */
function awaitChange(idx: number, old: number): number {
  if (spinMicros > 0) {
    const until = performance.now() + spinMicros / 1000;
    // Read the clock only every 64 loads: it costs more than a load.
    for (let i = 1; ; i++) {
      const v = Atomics.load(words, idx);
      if (v !== old) return v;
      if ((i & 63) === 0 && performance.now() > until) break;
    }
  }
  for (;;) {
    const v = Atomics.load(words, idx);
    if (v !== old) return v;
    Atomics.wait(words, idx, old);
  }
}

function send(idx: number, v: number): void {
  Atomics.store(words, idx, v);
  Atomics.notify(words, idx);
}

signalReady();
if (role === 'pong') {
  for (let last = 0; ; ) {
    last = awaitChange(PING, last);
    if (last === DONE) break;
    send(PONG, last);
  }
} else {
  await awaitGo();
  const rec = runBlockingRounds(new Recorder(samples), (i) => {
    send(PING, i + 1);
    return awaitChange(PONG, i) - 1;
  });
  send(PING, DONE);
  rec.report();
}
