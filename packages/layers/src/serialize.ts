/**
 * Exact, JSON-safe encoding of tensors: the raw float32/float64 bytes (little-endian) in base64.
 * Every value round-trips bit for bit, including NaN, ±Infinity and −0, which plain JSON numbers
 * cannot hold. This is the one encoder in descent: model state files ({@link saveState}),
 * optimizer state and trainer checkpoints all use it.
 *
 * @example
 * ```ts
 * import { tensor } from '@descent/tensor';
 * import { encodeTensor, decodeTensor } from '@descent/layers';
 * const t = tensor([0.1, -0, NaN], { dtype: 'float64' });
 * const json = JSON.stringify(encodeTensor(t)); // {"dtype":"float64","shape":[3],"data":"mpmZmZmZuT8AAAAAAAAAgAAAAAAAAPh/"}
 * decodeTensor(JSON.parse(json)).data();        // Float64Array [0.1, -0, NaN], same bits
 * ```
 * @module
 */
import { DTYPES, StateError, Tensor, describe, encodeTypedArray, tensor, type DType, type TypedArray } from '@descent/tensor';

export { encodeTypedArray };

/** A tensor as JSON: dtype, shape and the values' bytes in base64 (little-endian).
 * @example
 * ```ts
 * const e: EncodedTensor = { dtype: 'float32', shape: [2], data: 'AACAPwAAAEA=' }; // [1, 2]
 * ```
 */
export interface EncodedTensor {
  /** The element type. */
  dtype: DType;
  /** Size of each axis (`[]` for a scalar). */
  shape: number[];
  /** The values' bytes, little-endian, in base64. */
  data: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** Decode base64 from {@link encodeTypedArray} into a new typed array of `dtype`.
 * @param length when given, the number of values required.
 * @param what names the value in error messages (e.g. `"entry '0.weight'"`).
 * @throws StateError for invalid base64, an unknown dtype, or a byte count that does not fit.
 * @example
 * ```ts
 * decodeTypedArray('AACAPwAAAEA=', 'float32'); // Float32Array [1, 2]
 * ```
 */
export function decodeTypedArray(data: string, dtype: DType, length?: number, what = 'data'): TypedArray {
  return decodeBytes(data, dtype, length, `decodeTypedArray: ${what}`);
}

function decodeBytes(data: unknown, dtype: DType, length: number | undefined, where: string): TypedArray {
  if (!DTYPES.includes(dtype)) throw new StateError(`${where}: dtype must be one of ${DTYPES.join(', ')}, but got ${describe(dtype)}`);
  if (typeof data !== 'string' || !BASE64.test(data)) {
    throw new StateError(`${where}: data must be a base64 string, but got ${typeof data === 'string' ? 'a string with invalid base64' : describe(data)}`);
  }
  const bytes = Buffer.from(data, 'base64');
  const width = bytesPerElement(dtype);
  if (bytes.length % width !== 0 || (length !== undefined && bytes.length !== length * width)) {
    const expected = length === undefined ? `a multiple of ${width} bytes` : `${length * width} bytes (${length} ${dtype} values)`;
    throw new StateError(`${where}: expected ${expected}, but the data holds ${bytes.length} bytes (truncated or corrupt?)`);
  }
  const n = bytes.length / width;
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = dtype === 'float64' ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}

/** Encode a tensor's dtype, shape and exact values.
 * @example
 * ```ts
 * encodeTensor(tensor([1, 2])); // { dtype: 'float32', shape: [2], data: 'AACAPwAAAEA=' }
 * ```
 */
export function encodeTensor(t: Tensor): EncodedTensor {
  if (!(t instanceof Tensor)) throw new StateError(`encodeTensor: argument must be a Tensor, but got ${describe(t)}`);
  return { dtype: t.dtype, shape: t.shape.slice(), data: encodeTypedArray(t.buffer()) };
}

/** Rebuild a tensor from {@link encodeTensor}'s output (a new leaf that does not require grad).
 * @param what names the value in error messages.
 * @throws StateError when the object is malformed: unknown dtype, bad shape, bad base64, wrong byte count.
 * @example
 * ```ts
 * decodeTensor({ dtype: 'float32', shape: [2], data: 'AACAPwAAAEA=' }).toArray(); // [1, 2]
 * ```
 */
export function decodeTensor(encoded: unknown, what = 'tensor'): Tensor {
  if (encoded === null || typeof encoded !== 'object' || Array.isArray(encoded)) {
    throw new StateError(`decodeTensor: ${what} must be an object {dtype, shape, data}, but got ${describe(encoded)}`);
  }
  const e = encoded as Partial<EncodedTensor>;
  if (!DTYPES.includes(e.dtype as DType)) {
    throw new StateError(`decodeTensor: ${what}: dtype must be one of ${DTYPES.join(', ')}, but got ${describe(e.dtype)}`);
  }
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new StateError(`decodeTensor: ${what}: shape must be an array of non-negative integers, but got ${describe(e.shape)}`);
  }
  const size = e.shape.reduce((a, b) => a * b, 1);
  const values = decodeBytes(e.data, e.dtype!, size, `decodeTensor: ${what}`);
  return tensor(values, { shape: e.shape, dtype: e.dtype });
}

/** Encode named tensors (a state dict), keeping the order of the names.
 * @example
 * ```ts
 * const json = JSON.stringify(encodeTensors(model.stateDict()));
 * ```
 */
export function encodeTensors(tensors: Record<string, Tensor>): Record<string, EncodedTensor> {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors) || tensors instanceof Tensor) {
    throw new StateError(`encodeTensors: expected an object mapping names to tensors (a state dict), but got ${describe(tensors)}`);
  }
  const out: Record<string, EncodedTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new StateError(`encodeTensors: entry '${name}' must be a Tensor, but got ${describe(t)}`);
    out[name] = encodeTensor(t);
  }
  return out;
}

/** Decode named tensors from {@link encodeTensors}; every entry is checked and all bad entries are reported together.
 * @throws StateError listing every malformed entry.
 * @example
 * ```ts
 * model.loadStateDict(decodeTensors(JSON.parse(json)));
 * ```
 */
export function decodeTensors(encoded: unknown, what = 'tensors'): Record<string, Tensor> {
  if (encoded === null || typeof encoded !== 'object' || Array.isArray(encoded)) {
    throw new StateError(`decodeTensors: ${what} must be an object mapping names to encoded tensors, but got ${describe(encoded)}`);
  }
  const out: Record<string, Tensor> = {};
  const errors: string[] = [];
  for (const [name, e] of Object.entries(encoded)) {
    try {
      out[name] = decodeTensor(e, `entry '${name}'`);
    } catch (err) {
      if (!(err instanceof StateError)) throw err;
      errors.push(err.message.replace(/^decodeTensor: /, ''));
    }
  }
  if (errors.length) throw new StateError(`decodeTensors: ${what}: ${errors.length} malformed ${errors.length === 1 ? 'entry' : 'entries'}:\n  ${errors.join('\n  ')}`);
  return out;
}
