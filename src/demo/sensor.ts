/**
 * Demo worker for `npm start` part 5: a "sensor" that sends readings to the main thread until
 * its channel closes: objects ({ sensor, seq, celsius, ok }) through an object channel, or
 * plain numbers through a numeric one. It paces itself (a reading every `everyMicros`) the
 * way a real source would, so the main thread's select sees several sources at once.
 */
import { workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../index.js';

export interface Reading {
  sensor: string;
  seq: number;
  celsius: number;
  ok: boolean;
}

const { name, handle, everyMicros } = workerData.data as { name: string; handle: SharedChanHandle; everyMicros: number };
const ch = attach<Reading | number>(handle);
const reading: Reading = { sensor: name, seq: 0, celsius: 0, ok: true };
const objects = ch.type === 'object';

let next = performance.now();
for (let seq = 1; ; seq++) {
  next += everyMicros / 1000;
  while (performance.now() < next); // pacing: a busy wait, like a sampling loop
  reading.seq = seq;
  reading.celsius = 20 + 5 * Math.sin(seq / 50);
  reading.ok = seq % 97 !== 0;
  if (!ch.putSync(objects ? reading : reading.celsius)) break; // closed by the main thread: done
}
