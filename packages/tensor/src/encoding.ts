/**
 * The exact text form of float arrays shared by every serializer (layers' tensors, optimizer state):
 * the array's bytes, little-endian on every platform, as base64.
 * @module
 */
import { StateError } from './errors.js';
import { describe } from './shape.js';
import type { TypedArray } from './types.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
type NodeBuffer = { from(data: Uint8Array): Uint8Array & { toString(enc: string): string } };
const NodeBuf = (globalThis as unknown as { Buffer?: NodeBuffer }).Buffer;

function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuf) return NodeBuf.from(bytes).toString('base64');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) { const n = bytes[i]! << 16; out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '=='; }
  if (rest === 2) { const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8); out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '='; }
  return out;
}

/** The bytes of a Float32Array or Float64Array as base64, little-endian on every platform.
 * @throws StateError for any other value.
 * @example
 * ```ts
 * encodeTypedArray(new Float32Array([1, 2])); // 'AACAPwAAAEA='
 * ```
 */
export function encodeTypedArray(values: TypedArray): string {
  if (!(values instanceof Float32Array || values instanceof Float64Array)) {
    throw new StateError(`encodeTypedArray: values must be a Float32Array or Float64Array, but got ${describe(values)}`);
  }
  if (LITTLE_ENDIAN) return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  const f64 = values instanceof Float64Array;
  for (let i = 0; i < values.length; i++) {
    if (f64) view.setFloat64(i * 8, values[i]!, true);
    else view.setFloat32(i * 4, values[i]!, true);
  }
  return bytesToBase64(bytes);
}
