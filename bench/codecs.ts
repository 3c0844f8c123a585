/**
 * Object codecs, in one thread: ns per message for encode + decode of the reference message
 * { id: 12345, name: 'sensor-01', values: [8 doubles] } through a view on a
 * SharedArrayBuffer (as the byte ring will use them), beside structuredClone and
 * v8.serialize/deserialize of the same object (what postMessage and a v8 codec would pay).
 *
 *   npx tsx bench/codecs.ts                      # ~14 s
 *   BENCH_TIME_MS=300 npx tsx bench/codecs.ts    # quick look
 *
 * Each timed call runs BATCH messages (one message is below the timer's resolution). The
 * views are made once: the ring's per-record subarray (~22 ns) is the same for every codec
 * and is not counted here. Decoded values feed a checksum so no work can be optimised away.
 */
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { jsonCodec, structCodec, type Codec } from '../src/codec/index.js';
import { runMain, timeRows } from './cli.js';
import { formatLoad } from './machine.js';
import os from 'node:os';

const DEFAULT_TIME_MS = 1000;
const BATCH = 256;

interface Reading {
  id: number;
  name: string;
  values: number[];
}
const MESSAGE: Reading = { id: 12345, name: 'sensor-01', values: [0.5, 1.25, -3.75, 1e-3, 42, 1 / 3, Math.PI, -1e100] };
const struct = structCodec({ id: 'u32', name: 'string:16', values: 'f64[8]' });
const structInterpreted = structCodec({ id: 'u32', name: 'string:16', values: 'f64[8]' }, { codegen: false });

/**
 * A ring-like SharedArrayBuffer, and where a record's payload starts in it. The offset
 * matters: V8 copies to and from shared memory with 8-byte words only when both sides are
 * 8-byte aligned, else byte by byte (`set` of 85 bytes: ~12 vs ~31 ns here). The main rows
 * use an 8-byte aligned payload; one row shows a payload that is only 4-byte aligned.
 */
const ring = new Uint8Array(new SharedArrayBuffer(1 << 16));
const RECORD_AT = 1024 + 8;
const RECORD_AT_4 = 2048 + 4;

let checksum = 0;

/**
 * The target view and the record view for `codec` (checked: it round-trips MESSAGE).
 * Every row below is its own function literal on purpose: closures made from one literal
 * share type feedback in V8, and a call site that has seen three codecs is megamorphic,
 * which would charge each codec for the others (~50 ns per message here).
 */
function views(codec: Codec<Reading>, at = RECORD_AT): { target: Uint8Array; record: Uint8Array } {
  const target = ring.subarray(at, at + 512);
  const n = codec.encode(MESSAGE, target);
  const record = ring.subarray(at, at + n);
  assert.deepEqual(codec.decode(record), MESSAGE, `${codec.name} round trip`);
  return { target, record };
}
const s = views(struct);
const si = views(structInterpreted);
const s4 = views(struct, RECORD_AT_4);
const j = views(jsonCodec as Codec<Reading>);
const json = jsonCodec as Codec<Reading>;

interface Row {
  readonly label: string;
  readonly fn: () => void;
  /** A row of the encode + decode table (the others time one direction). */
  readonly main: boolean;
}

const ROWS: Row[] = [
  {
    label: 'structCodec (generated)',
    main: true,
    fn: () => {
      for (let i = 0; i < BATCH; i++) {
        struct.encode(MESSAGE, s.target);
        checksum += struct.decode(s.record).id;
      }
    },
  },
  {
    label: 'structCodec (interpreted, no eval)',
    main: true,
    fn: () => {
      for (let i = 0; i < BATCH; i++) {
        structInterpreted.encode(MESSAGE, si.target);
        checksum += structInterpreted.decode(si.record).id;
      }
    },
  },
  {
    label: 'structCodec (generated), payload 4- not 8-byte aligned',
    main: true,
    fn: () => {
      for (let i = 0; i < BATCH; i++) {
        struct.encode(MESSAGE, s4.target);
        checksum += struct.decode(s4.record).id;
      }
    },
  },
  {
    label: 'jsonCodec',
    main: true,
    fn: () => {
      for (let i = 0; i < BATCH; i++) {
        json.encode(MESSAGE, j.target);
        checksum += json.decode(j.record).id;
      }
    },
  },
  {
    label: 'structuredClone',
    main: true,
    fn: () => {
      for (let i = 0; i < BATCH; i++) checksum += structuredClone(MESSAGE).id;
    },
  },
  {
    label: 'v8.serialize + v8.deserialize',
    main: true,
    fn: () => {
      for (let i = 0; i < BATCH; i++) checksum += (v8.deserialize(v8.serialize(MESSAGE)) as Reading).id;
    },
  },
  {
    label: 'structCodec encode',
    main: false,
    fn: () => {
      for (let i = 0; i < BATCH; i++) checksum += struct.encode(MESSAGE, s.target);
    },
  },
  {
    label: 'structCodec decode',
    main: false,
    fn: () => {
      for (let i = 0; i < BATCH; i++) checksum += struct.decode(s.record).id;
    },
  },
  {
    label: 'jsonCodec encode',
    main: false,
    fn: () => {
      for (let i = 0; i < BATCH; i++) checksum += json.encode(MESSAGE, j.target);
    },
  },
  {
    label: 'jsonCodec decode',
    main: false,
    fn: () => {
      for (let i = 0; i < BATCH; i++) checksum += json.decode(j.record).id;
    },
  },
];

async function main(): Promise<void> {
  const ns = await timeRows('sabchan object codecs', 'codecs', ROWS, BATCH, DEFAULT_TIME_MS);
  const clone = ns.get('structuredClone')!.ns;
  const jsonNs = ns.get('jsonCodec')!.ns;
  const line = (label: string, ratios: boolean) => {
    const { ns: t, rme } = ns.get(label)!;
    const cells = [label, t.toFixed(0), `±${rme.toFixed(1)} %`, (1e3 / t).toFixed(2)];
    if (ratios) cells.push(`${(clone / t).toFixed(2)}x`, `${(jsonNs / t).toFixed(2)}x`);
    return `| ${cells.join(' | ')} |`;
  };
  console.log(`Message: ${JSON.stringify(MESSAGE)} (json ${jsonCodec.encode(MESSAGE, new Uint8Array(512))} B, struct ${struct.byteLength} B); ${BATCH} per timed call.\n`);
  console.log('| encode + decode | ns/msg | rme | M msg/s | structuredClone ÷ row | jsonCodec ÷ row |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of ROWS.filter((r) => r.main)) console.log(line(row.label, true));
  console.log('\n| one direction | ns/msg | rme | M msg/s |');
  console.log('|---|---:|---:|---:|');
  for (const row of ROWS.filter((r) => !r.main)) console.log(line(row.label, false));
  console.log(`\nRatios above 1: the row is that many times faster. Load average after the run: ${formatLoad(os.loadavg())}`);
  if (!Number.isFinite(checksum)) throw new Error('checksum');
}

runMain(main);
