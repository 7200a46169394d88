/**
 * Exact, JSON-able encoding of optimizer state. Typed arrays become
 * `{ $typed: 'float32' | 'float64', length, base64 }` (the little-endian bytes, so every bit —
 * NaN payloads, −0, subnormals — survives), non-finite numbers and −0 become
 * `{ $number: 'NaN' | 'Infinity' | '-Infinity' | '-0' }`; everything else is plain JSON. Finite
 * numbers survive `JSON.stringify`/`JSON.parse` exactly (shortest round-trip printing).
 *
 * @module
 */
import { encodeTypedArray, StateError, type TypedArray } from '@descent/tensor';
import { formatValue } from '../options.js';

/** Plain JSON data: what `encodeState` produces and `JSON.stringify` accepts unchanged.
 * @example
 * ```ts
 * const j: EncodedState = { step: 3, m: { $typed: 'float64', length: 1, base64: 'AAAAAAAA8D8=' } };
 * ```
 */
export type EncodedState = null | boolean | number | string | EncodedState[] | { [key: string]: EncodedState };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

type NodeBuffer = { from(data: string, enc: string): Uint8Array };
const NodeBuf = (globalThis as unknown as { Buffer?: NodeBuffer }).Buffer;

function base64ToBytes(s: string, path: string): Uint8Array {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new StateError(`${path}: 'base64' is not valid base64 text`);
  if (NodeBuf) return new Uint8Array(NodeBuf.from(s, 'base64'));
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n = (B64_INDEX[s.charCodeAt(i)]! << 18) | (B64_INDEX[s.charCodeAt(i + 1)]! << 12)
      | (Math.max(0, B64_INDEX[s.charCodeAt(i + 2)]!) << 6) | Math.max(0, B64_INDEX[s.charCodeAt(i + 3)]!);
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** Encode a typed array exactly: dtype, length and the base64 of its little-endian bytes.
 * @example
 * ```ts
 * encodeTaggedArray(new Float64Array([1])); // { $typed: 'float64', length: 1, base64: 'AAAAAAAA8D8=' }
 * ```
 */
export function encodeTaggedArray(a: TypedArray): {
  /** The array's dtype tag (`Float32Array` → `'float32'`, `Float64Array` → `'float64'`). */ $typed: 'float32' | 'float64';
  /** Number of elements (not bytes). */ length: number;
  /** The raw little-endian bytes, base64-encoded. */ base64: string;
} {
  return { $typed: a instanceof Float64Array ? 'float64' : 'float32', length: a.length, base64: encodeTypedArray(a) };
}

function decodeTypedArray(v: Record<string, unknown>, path: string): TypedArray {
  const dtype = v.$typed;
  if (dtype !== 'float32' && dtype !== 'float64') throw new StateError(`${path}: '$typed' must be 'float32' or 'float64', but got ${JSON.stringify(dtype)}`);
  if (!Number.isInteger(v.length) || (v.length as number) < 0) throw new StateError(`${path}: 'length' must be a non-negative integer, but got ${JSON.stringify(v.length)}`);
  if (typeof v.base64 !== 'string') throw new StateError(`${path}: 'base64' must be a string, but got ${JSON.stringify(v.base64)}`);
  const width = dtype === 'float64' ? 8 : 4;
  const n = v.length as number;
  const bytes = base64ToBytes(v.base64, path);
  if (bytes.length !== n * width) throw new StateError(`${path}: expected ${n * width} bytes for ${n} ${dtype} values, but the base64 holds ${bytes.length}`);
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  if (LITTLE_ENDIAN && bytes.byteOffset % width === 0) {
    out.set(dtype === 'float64' ? new Float64Array(bytes.buffer, bytes.byteOffset, n) : new Float32Array(bytes.buffer, bytes.byteOffset, n));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = dtype === 'float64' ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

/**
 * Encode an optimizer state (plain objects, arrays, numbers, booleans, strings, null and
 * Float32Array/Float64Array) as JSON-able data that decodes bit for bit.
 * @throws StateError for anything else (functions, undefined, other typed arrays, class instances).
 * @example
 * ```ts
 * const json = JSON.stringify(encodeState({ m: [new Float32Array([0.5])], muProduct: 0.9 }));
 * ```
 */
export function encodeState(value: unknown, path = 'state'): EncodedState {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $number: 'NaN' };
    if (value === Infinity) return { $number: 'Infinity' };
    if (value === -Infinity) return { $number: '-Infinity' };
    if (Object.is(value, -0)) return { $number: '-0' };
    return value;
  }
  if (value instanceof Float32Array || value instanceof Float64Array) return encodeTaggedArray(value);
  if (Array.isArray(value)) return value.map((v, i) => encodeState(v, `${path}[${i}]`));
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const out: { [key: string]: EncodedState } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) throw new StateError(`${path}: state keys may not start with '$', but got '${k}'`);
      out[k] = encodeState(v, `${path}.${k}`);
    }
    return out;
  }
  throw new StateError(`${path}: optimizer state must be plain data (objects, arrays, numbers, booleans, strings, null, Float32Array, Float64Array), but got ${describe(value)}`);
}

/**
 * Decode what {@link encodeState} produced (after a JSON round trip) into fresh typed arrays.
 * @throws StateError describing the first malformed entry.
 * @example
 * ```ts
 * const s = decodeState(JSON.parse(json)) as { m: Float32Array[] };
 * ```
 */
export function decodeState(value: unknown, path = 'state'): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((v, i) => decodeState(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('$typed' in o) return decodeTypedArray(o, path);
    if ('$number' in o) {
      const map: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
      if (typeof o.$number !== 'string' || !(o.$number in map)) throw new StateError(`${path}: '$number' must be one of NaN, Infinity, -Infinity, -0, but got ${JSON.stringify(o.$number)}`);
      return map[o.$number];
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeState(v, `${path}.${k}`);
    return out;
  }
  throw new StateError(`${path}: expected JSON data, but got ${describe(value)}`);
}

/**
 * Compare a decoded state with a template (a fresh `init` state for the same parameters and
 * options): same keys, same array lengths, typed arrays of the same dtype and length, numbers
 * where numbers are (finite where the template's is finite; counters — keys ending in `count` or
 * `step` — integers ≥ 0), and so on. A `null` in the template accepts anything.
 * Returns a description of the first difference, or null when the structure matches.
 * @example
 * ```ts
 * checkStateStructure(decoded, plugin.init(params, options)); // null, or "state.adam.m[1]: expected float64[6], got float64[4]"
 * ```
 */
export function checkStateStructure(actual: unknown, template: unknown, path = 'state'): string | null {
  if (template === null) return null;
  if (template instanceof Float32Array || template instanceof Float64Array) {
    const want = `${template instanceof Float64Array ? 'float64' : 'float32'}[${template.length}]`;
    if (!(actual instanceof Float32Array || actual instanceof Float64Array)) return `${path}: expected typed array ${want}, but got ${describe(actual)}`;
    const got = `${actual instanceof Float64Array ? 'float64' : 'float32'}[${actual.length}]`;
    return got === want ? null : `${path}: expected ${want}, but got ${got}`;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(actual)) return `${path}: expected an array of ${template.length}, but got ${describe(actual)}`;
    if (actual.length !== template.length) return `${path}: expected an array of ${template.length}, but got ${actual.length} entries`;
    for (let i = 0; i < template.length; i++) {
      const d = checkStateStructure(actual[i], template[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (typeof template === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual) || actual instanceof Float32Array || actual instanceof Float64Array) {
      return `${path}: expected an object, but got ${describe(actual)}`;
    }
    const tk = Object.keys(template as object).sort(), ak = Object.keys(actual).sort();
    const missing = tk.filter((k) => !ak.includes(k)), extra = ak.filter((k) => !tk.includes(k));
    if (missing.length || extra.length) {
      return `${path}: expected keys [${tk.join(', ')}], but got [${ak.join(', ')}]`;
    }
    for (const k of tk) {
      const d = checkStateStructure((actual as Record<string, unknown>)[k], (template as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  if (typeof actual !== typeof template) return `${path}: expected a ${typeof template}, but got ${describe(actual)}`;
  if (typeof template === 'number' && Number.isFinite(template)) {
    // NOTE: a scalar that starts finite stays finite; a counter (count, step) stays a non-negative integer.
    if (!Number.isFinite(actual)) return `${path}: expected a finite number, but got ${describe(actual)}`;
    if (/(count|step)s?$/i.test(path) && !(Number.isInteger(actual) && (actual as number) >= 0)) return `${path}: expected a counter (an integer ≥ 0), but got ${describe(actual)}`;
  }
  return null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Float32Array) return `float32[${v.length}]`;
  if (v instanceof Float64Array) return `float64[${v.length}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object' && (v as object).constructor === Object) return 'an object';
  return formatValue(v, 80);
}

/**
 * A deep copy of an optimizer state, as `structuredClone` makes it, except that typed arrays in shared
 * memory (moments in the tensor heap, see `allocateLasting`) are copied into ordinary arrays:
 * `structuredClone` would hand back views of the same memory, so a rollback or a trial step would
 * change the original.
 * @example
 * ```ts
 * const before = cloneState(optimizerState); // independent of optimizerState
 * ```
 */
export function cloneState<T>(state: T): T {
  return unshare(structuredClone(state), new Set()) as T;
}

function unshare(v: unknown, seen: Set<unknown>): unknown {
  if (typeof v !== 'object' || v === null || seen.has(v)) return v;
  seen.add(v);
  if (ArrayBuffer.isView(v)) {
    const shared = typeof SharedArrayBuffer === 'function' && v.buffer instanceof SharedArrayBuffer;
    return shared && (v instanceof Float32Array || v instanceof Float64Array) ? v.slice() : v;
  }
  if (v instanceof Map) { for (const [k, x] of v) v.set(k, unshare(x, seen)); return v; }
  if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) v[i] = unshare(v[i], seen); return v; }
  const record = v as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = unshare(record[key], seen);
  return v;
}
