/**
 * The generated field path of `structCodec` (internal): one `write` and one `read` function
 * per schema, built with `new Function`, with every field name a constant property access
 * and the decoded object built as one object literal. That makes the bench message
 * ({ id, name, values: 8 doubles }) about twice as fast as the interpreted loop, which pays
 * a keyed lookup per field (./struct-interpret.ts).
 *
 * Safety: the source contains only numbers computed here and field names quoted with
 * JSON.stringify (a valid JS string literal for any string), never user code. Checks and
 * messages come from ./struct-fields.ts, shared with the interpreter.
 */
import { BOOL, DATAVIEW_TYPE, STRING, type Field } from './struct-schema.js';
import { FITS_SOURCE, type FieldOps, fieldError, getString, isNumberList, putString } from './struct-fields.js';
import type { Utf8Decoder } from './text.js';

/** Generated `write`/`read` for `fields`, or undefined when the runtime forbids code generation. */
export function compileFields(fields: readonly Field[], encoder: TextEncoder, decoder: Utf8Decoder): FieldOps | undefined {
  const source = `"use strict";\nreturn {\n${writeSource(fields)},\n${readSource(fields)}\n};`;
  let factory: (...deps: unknown[]) => FieldOps;
  try {
    factory = new Function('F', 'enc', 'dec', 'fieldError', 'putString', 'getString', 'isNumberList', source) as typeof factory;
  } catch (error) {
    if (error instanceof EvalError) return undefined; // CSP without 'unsafe-eval', or Node's flag
    throw error;
  }
  return factory(fields, encoder, decoder, fieldError, putString, getString, isNumberList);
}

function writeSource(fields: readonly Field[]): string {
  const lines = ['write(value, b, dv) {', '  let v, x, n, j;'];
  fields.forEach((f, i) => {
    const get = `value[${JSON.stringify(f.name)}]`;
    const fail = (v: string, element: string, code = '') => `throw fieldError(F[${i}], ${v}, ${element}${code})`;
    if (f.kind === STRING) {
      lines.push(
        `  v = ${get};`,
        `  if (typeof v !== "string") ${fail('v', '-1')};`,
        `  n = putString(enc, v, b, dv, F[${i}]);`,
        `  if (n < 0) ${fail('v', '-1', ', n')};`,
      );
    } else if (f.kind === BOOL) {
      lines.push(`  v = ${get};`, `  if (typeof v !== "boolean") ${fail('v', '-1')};`, `  b[${f.offset}] = v ? 1 : 0;`);
    } else {
      const fits = FITS_SOURCE[f.kind] === 'true' ? '' : ` || !(${FITS_SOURCE[f.kind]})`;
      const set = (at: string) => `dv.set${DATAVIEW_TYPE[f.kind]}(${at}, x${f.unit > 1 ? ', true' : ''});`;
      if (f.count < 0) {
        lines.push(`  x = ${get};`, `  if (typeof x !== "number"${fits}) ${fail('x', '-1')};`, `  ${set(String(f.offset))}`);
      } else {
        lines.push(
          `  v = ${get};`,
          `  if (!isNumberList(v) || v.length !== ${f.count}) ${fail('v', '-1')};`,
          `  for (j = 0; j < ${f.count}; j++) {`,
          `    x = v[j];`,
          `    if (typeof x !== "number"${fits}) ${fail('x', 'j')};`,
          `    ${set(`${f.offset} + j * ${f.unit}`)}`,
          `  }`,
        );
      }
    }
  });
  lines.push('}');
  return lines.join('\n');
}

function readSource(fields: readonly Field[]): string {
  const lines = ['read(b, dv) {', '  let a, j;'];
  fields.forEach((f, i) => {
    const get = (at: string) => `dv.get${DATAVIEW_TYPE[f.kind]}(${at}${f.unit > 1 ? ', true' : ''})`;
    if (f.kind === STRING) lines.push(`  const v${i} = getString(dec, b, dv, F[${i}]);`);
    else if (f.kind === BOOL) lines.push(`  const v${i} = b[${f.offset}] !== 0;`);
    else if (f.count < 0) lines.push(`  const v${i} = ${get(String(f.offset))};`);
    else {
      lines.push(
        `  a = new Array(${f.count});`,
        `  for (j = 0; j < ${f.count}; j++) a[j] = ${get(`${f.offset} + j * ${f.unit}`)};`,
        `  const v${i} = a;`,
      );
    }
  });
  lines.push(`  return { ${fields.map((f, i) => `${JSON.stringify(f.name)}: v${i}`).join(', ')} };`, '}');
  return lines.join('\n');
}
