/**
 * Generates the native view of the shared channel layout from src/shared/layout.ts:
 *   - native-layout/sabchan_layout.h, a C11 header (every constant, and the header as a struct);
 *   - the tables of native-layout/SPEC.md between its `<!-- BEGIN GENERATED: ... -->` markers.
 *
 * Values come from the layout module itself; the order of the constants, their one-line docs
 * and the block comments come from its source text. Output is deterministic: the same
 * layout.ts always gives the same bytes. test/unit/native-layout.test.ts regenerates both and
 * fails on any difference. Run: `npm run gen:layout`.
 *
 * This file knows no offset. What it adds to layout.ts is prose: who writes each word and how
 * (WRITERS below), which the SPEC tables need and layout.ts does not say.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as layout from '../src/shared/layout.js';

const LAYOUT_SOURCE = fileURLToPath(new URL('../src/shared/layout.ts', import.meta.url));
export const HEADER_PATH = fileURLToPath(new URL('./sabchan_layout.h', import.meta.url));
export const SPEC_PATH = fileURLToPath(new URL('./SPEC.md', import.meta.url));

const values = layout as unknown as Record<string, unknown>;
const WORDS_PER_BLOCK = layout.SZ_BLOCK / 4;

/** Who writes each header word, and with which operation (SPEC.md sections 5 to 8). */
const WRITERS: Record<string, { by: string; how: string }> = {
  MAGIC: { by: 'creator', how: 'atomic store, after every other header word' },
  VERSION: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  KIND: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  LANE: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  SLOTS: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  CAPACITY: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  POLICY: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  DATA_OFFSET: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  SLOT_BYTES: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  CHANNEL_ID_2: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  REQUIRED_FEATURES: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  CHANNEL_ID: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  MAX_MESSAGE_BYTES: { by: 'creator', how: 'plain store before MAGIC; read-only after' },
  CODEC_NAME: { by: 'creator', how: 'plain stores before MAGIC; read-only after' },
  MSG_FREE: { by: 'producers (take, give back); consumers, reclaims, sliding drops (give back)', how: 'CAS -1 (never below 0); atomic add +1 (before the CONS_TAIL commit)' },
  PROD_HEAD: { by: 'producers; a closer', how: 'CAS (reserve); atomic OR of bit 31 (close)' },
  PROD_TURN_WAITERS: { by: 'producers waiting for their turn to commit', how: 'atomic add +1 before sleeping on PROD_TAIL, -1 after; committers load it and notify PROD_TAIL' },
  CONS_TURN_WAITERS: { by: 'consumers waiting for their turn to commit', how: 'atomic add +1 before sleeping on CONS_TAIL, -1 after; committers load it and notify CONS_TAIL' },
  PROD_TAIL: { by: 'producers; a sealer; a closer of an SPSC channel (5.8.5)', how: 'CAS (commit, in reservation order); CAS setting bit 31 (seal, 8.5, 5.8.5)' },
  CONS_HEAD: { by: 'consumers; sliding producers; rendezvous reclaim', how: 'CAS (reserve)' },
  CONS_TAIL: { by: 'consumers; sliding producers; rendezvous reclaim', how: 'atomic store (commit, in reservation order)' },
  RX_WAITING: { by: 'parties about to wait for a value; producers', how: 'atomic store 1 (waiter); atomic exchange 0 (committer)' },
  RX_EPOCH: { by: 'the producer that cleared RX_WAITING; a closer', how: 'atomic add +1, then wake all' },
  TX_WAITING: { by: 'parties about to wait for space or a take; consumers', how: 'atomic store 1 (waiter); atomic exchange 0 (committer)' },
  TX_EPOCH: { by: 'the consumer that cleared TX_WAITING; a closer', how: 'atomic add +1, then wake all' },
  RX_SELECT_MASK: { by: 'select waiters, each only its own doorbell slot\'s bit (7.6)', how: 'atomic OR of the bit (register), atomic AND (unregister); committers, closers and sealers load it' },
  TX_SELECT_MASK: { by: 'select waiters, each only its own doorbell slot\'s bit (7.6)', how: 'atomic OR of the bit (register), atomic AND (unregister); committers, closers and sealers load it' },
  STATE: { by: 'a supervisor (8.5)', how: 'atomic OR of STATE_* bits; never cleared' },
  CLOSE_REASON: { by: 'a closer', how: 'CAS 0 → reason, before bit 31 of PROD_HEAD' },
  EXIT_CODE: { by: 'a supervisor (8.5)', how: 'CAS 0 → FLAG_EXIT_CODE | code, before CLOSE_REASON' },
  SPSC_PRODUCER: { by: 'the first thread to put on an SPSC channel (5.8.2)', how: 'CAS 0 → its token; never changed after' },
  SPSC_CONSUMER: { by: 'the first thread to get from an SPSC channel (5.8.2)', how: 'CAS 0 → its token; never changed after' },
  SPSC_TOKENS: { by: 'a thread claiming a side of an SPSC channel (5.8.2)', how: 'atomic add 1; the value after the add is its token' },
  LAP: { by: 'the producer whose commit crosses a multiple of 2^LAP_SHIFT', how: 'atomic add 1, before that PROD_TAIL store' },
};

// ---- reading layout.ts ----------------------------------------------------------------------

/** One item of layout.ts, in source order. */
type Item =
  | { kind: 'const'; name: string; doc: string }
  | { kind: 'function'; name: string; doc: string }
  | { kind: 'comment'; lines: string[] };

/** The exported constants and functions of layout.ts with their docs, and its line comments. */
function readLayoutSource(): Item[] {
  const lines = readFileSync(LAYOUT_SOURCE, 'utf8').split('\n');
  const items: Item[] = [];
  let doc: string[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('/**')) {
      const body: string[] = [];
      let j = i;
      for (;;) {
        const text = lines[j]!.trim();
        body.push(text.replace(/^\/\*\*/, '').replace(/\*\/$/, '').replace(/^\*\s?/, '').trim());
        if (text.endsWith('*/')) break;
        j++;
      }
      i = j;
      // A doc belongs to an export only if the export follows at once (not the module doc).
      doc = /^export (const|function) /.test(lines[i + 1]?.trim() ?? '') ? body.filter((t) => t !== '') : null;
      continue;
    }
    const exported = /^export (const|function) (\w+)/.exec(line);
    if (exported !== null) {
      const kind = exported[1] === 'const' ? 'const' : 'function';
      items.push({ kind, name: exported[2]!, doc: (doc ?? []).join(' ') });
      doc = null;
      continue;
    }
    if (line.startsWith('//')) {
      const text = line.replace(/^\/\/\s?/, '');
      const last = items[items.length - 1];
      if (last?.kind === 'comment' && lines[i - 1]!.trim().startsWith('//')) last.lines.push(text);
      else items.push({ kind: 'comment', lines: [text] });
    }
  }
  const parsed = items.filter((it) => it.kind !== 'comment').map((it) => it.name).sort();
  const exportedNames = Object.keys(values).sort();
  if (parsed.join() !== exportedNames.join()) {
    throw new Error(`generate: parsed exports of layout.ts [${parsed.join(', ')}] differ from the module's [${exportedNames.join(', ')}]`);
  }
  return items;
}

// ---- values -----------------------------------------------------------------------------------

/** A numeric constant of layout.ts, checked to fit a C unsigned int. */
function numeric(name: string): number {
  const v = values[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 32) {
    throw new Error(`generate: ${name} is not a 32-bit integer constant (${String(v)})`);
  }
  if (v < 0 && !isBitPattern(name)) throw new Error(`generate: ${name} is negative (${v}) but not a bit pattern`);
  return v >>> 0;
}

/** Constants printed in hex: the magic, flags and masks (FLAG_CLOSED is a negative int32 in JS). */
function isBitPattern(name: string): boolean {
  return name === 'MAGIC' || name === 'DOORBELL_MAGIC' || name.startsWith('FLAG_') || (name.endsWith('_MASK') && !name.startsWith('IDX_'));
}

function cLiteral(name: string): string {
  const v = numeric(name);
  return isBitPattern(name) ? `0x${v.toString(16).padStart(8, '0')}u` : `${v}u`;
}

/** Words a header field spans: the select masks and the codec name are arrays, every other field one word. */
function widthOf(idxName: string): number {
  if (idxName === 'IDX_CODEC_NAME') return layout.CODEC_NAME_WORDS;
  return idxName.endsWith('_SELECT_MASK') ? layout.SELECT_MASK_WORDS : 1;
}

/** The header's named words, in index order, checked for overlap and bounds. */
function headerFields(): { name: string; index: number; words: number }[] {
  const fields = Object.keys(values)
    .filter((n) => n.startsWith('IDX_'))
    .map((n) => ({ name: n.slice(4), index: numeric(n), words: widthOf(n) }))
    .sort((a, b) => a.index - b.index);
  let next = 0;
  for (const f of fields) {
    if (f.index < next) throw new Error(`generate: IDX_${f.name} (word ${f.index}) overlaps the previous field`);
    next = f.index + f.words;
  }
  if (next > layout.HEADER_WORDS) throw new Error(`generate: a field ends at word ${next}, past the header`);
  return fields;
}

/** The header as rows: named fields and the reserved runs between them, split at block edges. */
function headerRows(): { name: string | null; index: number; words: number }[] {
  const rows: { name: string | null; index: number; words: number }[] = [];
  const reserve = (from: number, to: number): void => {
    for (let start = from; start < to; ) {
      const end = Math.min(to, (Math.floor(start / WORDS_PER_BLOCK) + 1) * WORDS_PER_BLOCK);
      rows.push({ name: null, index: start, words: end - start });
      start = end;
    }
  };
  let next = 0;
  for (const f of headerFields()) {
    reserve(next, f.index);
    rows.push(f);
    next = f.index + f.words;
  }
  reserve(next, layout.HEADER_WORDS);
  return rows;
}

const blockLetter = (index: number): string => String.fromCharCode(65 + Math.floor(index / WORDS_PER_BLOCK));

/** The C element type and Rust type of a lane, derived from its LANES entry. */
function laneTypes(lane: { bytes: number; min: number; integer: boolean }): { c: string; rust: string } {
  const bits = lane.bytes * 8;
  if (!lane.integer) return bits === 64 ? { c: 'double', rust: 'f64' } : { c: 'float', rust: 'f32' };
  return lane.min < 0 ? { c: `int${bits}_t`, rust: `i${bits}` } : { c: `uint${bits}_t`, rust: `u${bits}` };
}

/** The lanes, with their codes checked against the LANE_* constants. */
function lanes(): { name: string; code: number; bytes: number; min: number; max: number; c: string; rust: string }[] {
  return Object.entries(layout.LANES).map(([name, lane]) => {
    const constant = `LANE_${name.toUpperCase()}`;
    if (values[constant] !== lane.code) throw new Error(`generate: LANES.${name}.code is ${lane.code}, ${constant} is ${String(values[constant])}`);
    return { name, code: lane.code, bytes: lane.bytes, min: lane.min, max: lane.max, ...laneTypes(lane) };
  });
}

// ---- the C header -----------------------------------------------------------------------------

/** `text` as C comment lines, wrapped at 100 columns. */
function cComment(text: string[], indent = ''): string[] {
  const wrapped = text.flatMap((t) => wrap(t, 96 - indent.length));
  if (wrapped.length === 1) return [`${indent}/* ${wrapped[0]} */`];
  return [`${indent}/*`, ...wrapped.map((t) => `${indent} * ${t}`), `${indent} */`];
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(line);
  return out.length > 0 ? out : [''];
}

const C_FUNCTIONS: Record<string, string[]> = {
  bufferBytes: ['#define SABCHAN_BUFFER_BYTES(slots, slot_bytes) \\', '  ((uint64_t)SABCHAN_SZ_HEADER + (uint64_t)(slots) * (uint64_t)(slot_bytes))'],
  doorbellIndex: ['#define SABCHAN_DOORBELL_INDEX(t) ((uint32_t)SABCHAN_DOORBELL_STRIDE_WORDS * (1u + (uint32_t)(t)))'],
};

/** The text of native-layout/sabchan_layout.h. */
export function renderHeader(): string {
  const define = (name: string, value: string, note?: string): string =>
    `#define ${`SABCHAN_${name}`.padEnd(34)} ${note === undefined ? value : `${value.padEnd(12)} /* ${note} */`}`.trimEnd();
  const out: string[] = [
    '/*',
    ' * sabchan_layout.h: the byte layout of a sabchan shared channel, layout version ' +
      `${layout.VERSION_MAJOR}.${layout.VERSION_MINOR}.`,
    ' *',
    ' * GENERATED from src/shared/layout.ts by native-layout/generate.ts — DO NOT EDIT.',
    ' * Regenerate with `npm run gen:layout`; test/unit/native-layout.test.ts fails on any drift.',
    ' *',
    ' * The buffer starts with a header of int32_t words; word i is at byte 4 * i. SABCHAN_IDX_*',
    ' * are word indices, SABCHAN_OFF_* byte offsets (4 * IDX). Words are in the host byte order,',
    ' * little-endian on every supported platform. The protocol (who writes which word, with which',
    ' * atomic operation, and in which order) is native-layout/SPEC.md: read it before touching a',
    ' * channel. Control words MUST be accessed with sequentially consistent atomics (SPEC.md 6).',
    ' */',
    '#ifndef SABCHAN_LAYOUT_H',
    '#define SABCHAN_LAYOUT_H',
    '',
    '#include <stdint.h>',
  ];
  // A blank line before each comment, each documented constant and each new group of
  // undocumented ones (KIND_*, POLICY_*...); none between a `// ----` heading and what follows.
  const groupOf = (item: Item): string => (item.kind === 'comment' ? '' : item.name.replace(/^IDX_/, '').split('_')[0]!);
  let previous: Item | null = null;
  for (const item of readLayoutSource()) {
    const blank = item.kind === 'comment' || item.doc !== '' || previous === null || groupOf(item) !== groupOf(previous);
    const afterHeading = previous?.kind === 'comment' && previous.lines[0]!.startsWith('----');
    if (blank && !afterHeading) out.push('');
    previous = item;
    if (item.kind === 'comment') {
      out.push(...cComment(item.lines));
      continue;
    }
    if (item.doc !== '') out.push(...cComment([item.doc]));
    if (item.kind === 'function') {
      const macro = C_FUNCTIONS[item.name];
      if (macro === undefined) throw new Error(`generate: no C form for the function ${item.name} of layout.ts`);
      out.push(...macro);
    } else if (item.name === 'LANES') {
      for (const lane of lanes()) out.push(define(`LANE_${lane.name.toUpperCase()}_BYTES`, `${lane.bytes}u`, lane.c));
    } else if (item.name.startsWith('IDX_')) {
      const name = item.name.slice(4);
      out.push(define(`IDX_${name}`, cLiteral(item.name)), define(`OFF_${name}`, `${numeric(item.name) * 4}u`));
    } else {
      out.push(define(item.name, cLiteral(item.name)));
    }
  }
  out.push(
    '',
    '/* ---- derived */',
    '/* The VERSION word of this layout: (major << 16) | minor. */',
    define('VERSION_WORD', '((SABCHAN_VERSION_MAJOR << 16) | SABCHAN_VERSION_MINOR)'),
    '',
    ...cComment([
      'The header as a struct: one int32_t per word, reserved runs as arrays that MUST be zero.',
      'It is exact (check_layout.c asserts every offsetof). Read and write the words of blocks B to G',
      'only with seq_cst atomics, e.g. __atomic_load_n(&h->prod_tail, __ATOMIC_SEQ_CST) or C11',
      'atomic_load on an _Atomic int32_t * to the word (SPEC.md 6). The data region starts at',
      'byte SABCHAN_SZ_HEADER.',
    ]),
    'typedef struct sabchan_header {',
  );
  let block = -1;
  for (const row of headerRows()) {
    const b = Math.floor(row.index / WORDS_PER_BLOCK);
    if (b !== block) {
      block = b;
      const from = b * layout.SZ_BLOCK;
      out.push(`  /* block ${blockLetter(row.index)}: bytes ${from}-${from + layout.SZ_BLOCK - 1} */`);
    }
    const last = row.index + row.words - 1;
    const name = row.name === null ? `reserved_${row.index}_${last}` : row.name.toLowerCase();
    const decl = `  int32_t ${name}${row.words > 1 || row.name === null ? `[${row.words}]` : ''};`;
    const where = row.words > 1 ? `words ${row.index}-${last}, bytes ${row.index * 4}-${last * 4 + 3}` : `word ${row.index}, byte ${row.index * 4}`;
    out.push(`${decl.padEnd(36)} /* ${where} */`);
  }
  out.push('} sabchan_header;', '', '#endif /* SABCHAN_LAYOUT_H */', '');
  return out.join('\n');
}

// ---- the SPEC tables --------------------------------------------------------------------------

const md = (text: string): string => text.replace(/\|/g, '\\|');

function range(from: number, to: number): string {
  return from === to ? `${from}` : `${from}–${to}`;
}

/** The one-line doc of each constant of layout.ts, by name. */
function constantDocs(): Map<string, string> {
  return new Map(readLayoutSource().flatMap((it) => (it.kind === 'const' ? [[it.name, it.doc] as const] : [])));
}

/** The header-word table of SPEC.md section 3. */
function renderWordTable(): string {
  const docs = constantDocs();
  const rows = ['| Bytes | Word | Block | Name | Written by | How | Meaning |', '|---:|---:|:-:|---|---|---|---|'];
  for (const row of headerRows()) {
    const last = row.index + row.words - 1;
    const head = `| ${range(row.index * 4, last * 4 + 3)} | ${range(row.index, last)} | ${blockLetter(row.index)} |`;
    if (row.name === null) {
      rows.push(`${head} *reserved* | nobody | — | MUST be 0; ignored when read |`);
      continue;
    }
    const writer = WRITERS[row.name];
    if (writer === undefined) throw new Error(`generate: WRITERS has no entry for IDX_${row.name}: say who writes it and how`);
    // A word documented only by its constant's name ("MAGIC.") takes that constant's doc.
    const doc = docs.get(`IDX_${row.name}`) ?? '';
    const meaning = doc === `${row.name}.` ? (docs.get(row.name) ?? doc) : doc;
    rows.push(`${head} \`${row.name}\` | ${writer.by} | ${writer.how} | ${md(meaning)} |`);
  }
  return rows.join('\n');
}

/** The code tables of SPEC.md section 4. */
function renderCodeTables(): string {
  const docs = constantDocs();
  const codes = (prefix: string): string[] =>
    Object.keys(values)
      .filter((n) => n.startsWith(prefix))
      .sort((a, b) => numeric(a) - numeric(b))
      .map((n) => `| ${numeric(n)} | \`${n}\` |`);
  const bound = (v: number): string => (Number.isFinite(v) ? `${v}` : v < 0 ? '−∞' : '+∞');
  return [
    '**Lane types** (`LANE` word; `SLOT_BYTES` MUST equal the size given here):',
    '',
    '| Code | Constant | Lane | Slot bytes | C type | Rust type | Values |',
    '|---:|---|---|---:|---|---|---|',
    ...lanes().map(
      (l) =>
        `| ${l.code} | \`LANE_${l.name.toUpperCase()}\` | \`${l.name}\` | ${l.bytes} | \`${l.c}\` | \`${l.rust}\` | ${
          l.c === 'double' || l.c === 'float' ? `IEEE 754 binary${l.bytes * 8}` : `integers ${bound(l.min)} to ${bound(l.max)}`
        } |`,
    ),
    '',
    '**Kinds** (`KIND` word):',
    '',
    '| Code | Constant |',
    '|---:|---|',
    ...codes('KIND_'),
    '',
    '**Policies** (`POLICY` word; behaviour in section 5.6):',
    '',
    '| Code | Constant |',
    '|---:|---|',
    ...codes('POLICY_'),
    '',
    '**Close reasons** (`CLOSE_REASON` word):',
    '',
    '| Code | Constant |',
    '|---:|---|',
    ...codes('CLOSE_REASON_'),
    '',
    '**Bits and limits:**',
    '',
    '| Value (C) | Constant | Meaning |',
    '|---|---|---|',
    ...['MAGIC', 'VERSION_MAJOR', 'VERSION_MINOR', 'FLAG_CLOSED', 'POSITION_MASK', 'MAX_SLOTS', 'SZ_HEADER', 'SZ_BLOCK', 'SELECT_MASK_WORDS', 'CODEC_NAME_WORDS', 'RECORD_HEADER_BYTES', 'RECORD_ALIGN'].map(
      (n) => `| \`${cLiteral(n)}\` | \`${n}\` | ${md(docs.get(n) ?? '')} |`,
    ),
    '',
    '**Required features** (`REQUIRED_FEATURES` bits; attach check 5a, 9.2):',
    '',
    '| Bit (C) | Constant | Meaning |',
    '|---|---|---|',
    ...Object.keys(values)
      .filter((n) => n.startsWith('FEATURE_'))
      .sort((a, b) => numeric(a) - numeric(b))
      .map((n) => `| \`${cLiteral(n)}\` | \`${n}\` | ${md(docs.get(n) ?? '')} |`),
  ].join('\n');
}

/** Who writes each word of a doorbell table, and how (SPEC.md 7.6). */
const DOORBELL_WRITERS: Record<string, { by: string; how: string }> = {
  MAGIC: { by: 'the table\'s creator', how: 'atomic store, after TABLE_ID' },
  TABLE_ID: { by: 'the table\'s creator', how: 'plain store before DOORBELL_MAGIC; read-only after' },
  ALLOC: { by: 'select waiters', how: 'CAS setting one clear bit (take a slot); atomic AND clearing it (release)' },
  SLOT: { by: 'committers, closers, sealers (ring)', how: 'atomic add +1, then wake one; the holder only loads it and sleeps on it' },
};

/** The doorbell-table layout of SPEC.md 7.6.1, from the DOORBELL_* constants of layout.ts. */
function renderDoorbellTable(): string {
  const docs = constantDocs();
  const { DOORBELL_IDX_TABLE_ID: tableId, DOORBELL_IDX_ALLOC: alloc, DOORBELL_SLOTS: slots, DOORBELL_STRIDE_WORDS: stride } = layout;
  const first = layout.doorbellIndex(0);
  const allocWords = slots / 32;
  if (!Number.isInteger(allocWords) || allocWords !== layout.SELECT_MASK_WORDS) {
    throw new Error(`generate: DOORBELL_SLOTS (${slots}) must be 32 * SELECT_MASK_WORDS: one allocation bit and one mask bit per slot`);
  }
  if (tableId < 1 || alloc <= tableId || alloc + allocWords > first || layout.doorbellIndex(slots) * 4 !== layout.SZ_DOORBELL_TABLE) {
    throw new Error('generate: the doorbell table constants of layout.ts do not describe a head block and one stride per slot');
  }
  const bytes = (from: number, words: number): string => range(from * 4, (from + words) * 4 - 1);
  const words = (from: number, n: number): string => range(from, from + n - 1);
  const row = (from: number, n: number, name: string, w: { by: string; how: string } | null, meaning: string): string =>
    `| ${bytes(from, n)} | ${words(from, n)} | ${name} | ${w?.by ?? 'nobody'} | ${w?.how ?? '—'} | ${md(meaning)} |`;
  const reserved = 'MUST be 0; ignored when read';
  const rows = [
    '| Bytes | Word | Name | Written by | How | Meaning |',
    '|---:|---:|---|---|---|---|',
    row(0, 1, '`DOORBELL_MAGIC`', DOORBELL_WRITERS.MAGIC!, `${docs.get('DOORBELL_MAGIC')} (\`${cLiteral('DOORBELL_MAGIC')}\`)`),
    row(tableId, 1, '`TABLE_ID`', DOORBELL_WRITERS.TABLE_ID!, docs.get('DOORBELL_IDX_TABLE_ID') ?? ''),
  ];
  if (alloc > tableId + 1) rows.push(row(tableId + 1, alloc - tableId - 1, '*reserved*', null, reserved));
  rows.push(row(alloc, allocWords, `\`ALLOC[${allocWords}]\``, DOORBELL_WRITERS.ALLOC!, docs.get('DOORBELL_IDX_ALLOC') ?? ''));
  rows.push(row(alloc + allocWords, first - alloc - allocWords, '*reserved*', null, reserved));
  // One slot, as a formula in t: its futex word, then the rest of its stride.
  const at = (base: number, t: string): string => `${base} + ${stride * 4}·${t}`;
  rows.push(
    `| ${at(first * 4, 't')} – ${at(first * 4 + 3, 't')} | ${first} + ${stride}·t | \`DOORBELL[t]\`, t = 0 … ${slots - 1} | ${DOORBELL_WRITERS.SLOT!.by} | ${DOORBELL_WRITERS.SLOT!.how} | slot t's futex word (\`doorbellIndex(t)\`, C: \`SABCHAN_DOORBELL_INDEX(t)\`) |`,
    `| ${at(first * 4 + 4, 't')} – ${at(first * 4 + stride * 4 - 1, 't')} | ${first + 1} + ${stride}·t – ${first + stride - 1} + ${stride}·t | *reserved* | nobody | — | ${reserved} |`,
  );
  return [
    ...rows,
    '',
    `A table is exactly \`SZ_DOORBELL_TABLE\` = ${layout.SZ_DOORBELL_TABLE} bytes: a ${first * 4}-byte head, then ${slots} slots of \`DOORBELL_STRIDE_WORDS\` = ${stride} words (${stride * 4} bytes) each. ` +
      `\`DOORBELL_SLOTS\` = ${slots} = 32 × \`SELECT_MASK_WORDS\`: slot t is bit \`t % 32\` of word \`t / 32\` of \`ALLOC\` and of each select mask.`,
  ].join('\n');
}

const REGIONS: Record<string, () => string> = { 'header-words': renderWordTable, codes: renderCodeTables, 'doorbell-table': renderDoorbellTable };

/** `spec` with every GENERATED region replaced by its current content. */
export function renderSpec(spec: string): string {
  let out = spec;
  for (const [region, render] of Object.entries(REGIONS)) {
    const begin = `<!-- BEGIN GENERATED: ${region} (npm run gen:layout; do not edit) -->`;
    const end = `<!-- END GENERATED: ${region} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`generate: SPEC.md lacks the markers of the ${region} region:\n${begin}\n${end}`);
    out = `${out.slice(0, from + begin.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

// ---- main -------------------------------------------------------------------------------------

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(HEADER_PATH, renderHeader());
  writeFileSync(SPEC_PATH, renderSpec(readFileSync(SPEC_PATH, 'utf8')));
  console.log(`wrote ${HEADER_PATH}\nupdated the generated tables of ${SPEC_PATH}`);
}
