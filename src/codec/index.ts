/**
 * The codec layer of object channels (API.md section 4): the Codec interface and the
 * built-in codecs, which src/index.ts exports. src/shared/message-ring.ts uses them.
 */
export type { Codec, CodecOption } from './codec.js';
export { jsonCodec } from './json.js';
export { utf8Codec } from './utf8.js';
export { bytesCodec } from './bytes.js';
export { structCodec } from './struct.js';
export type { StructCodec, StructCodecOptions, StructFieldLayout, StructFieldType, StructSchema, StructValue } from './struct.js';
export { resolveCodec } from './resolve.js';
