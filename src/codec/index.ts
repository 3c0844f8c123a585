/**
 * The codec layer of object channels (API.md section 4). Not exported from the package yet:
 * it goes public together with the byte ring that uses it (the next step of the cross-thread
 * work); until then it is tested on its own.
 */
export type { Codec, CodecOption } from './codec.js';
export { jsonCodec } from './json.js';
export { utf8Codec } from './utf8.js';
export { bytesCodec } from './bytes.js';
export { structCodec } from './struct.js';
export type { StructCodec, StructCodecOptions, StructFieldLayout, StructFieldType, StructSchema, StructValue } from './struct.js';
export { resolveCodec } from './resolve.js';
