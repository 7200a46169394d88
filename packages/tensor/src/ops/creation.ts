import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { fromValues } from '../engine.js';
import type { Rng } from '../random.js';
import { checkOptions } from '../options.js';
import { describe, formatShape, sizeOf, validateShape } from '../shape.js';
import { checkSize } from '../storage.js';
import { allocateTensorStorage } from '../memory_scope.js';
import { Tensor } from '../tensor.js';
import { DTYPES, type DType, type NestedArray, type TypedArray } from '../types.js';

/** Options of the creation functions.
 * @example
 * ```ts
 * zeros([2], { dtype: 'float64' });
 * ```
 */
export interface CreationOptions {
  /** Element type; default float32. */
  dtype?: DType;
}

/** The options every creation function takes. */
const CREATION_OPTIONS = { dtype: 'any' } as const;
const TENSOR_OPTIONS = { ...CREATION_OPTIONS, shape: 'any' } as const;
const RANDN_OPTIONS = { ...CREATION_OPTIONS, mean: 'number', std: 'number' } as const;

/** The dtype of a creation function's options (checked: only known options, a known dtype). */
function dtypeOption(options: CreationOptions | undefined, op: string): DType {
  return checkDtype(checkOptions(options, CREATION_OPTIONS, op).dtype, op);
}

function checkDtype(dtype: unknown, op: string): DType {
  if (dtype === undefined) return 'float32';
  if (!DTYPES.includes(dtype as DType)) throw new DTypeError(`${op}: dtype must be one of ${DTYPES.join(', ')}, but got ${describe(dtype)}`);
  return dtype as DType;
}

/** Infer the shape of nested arrays, rejecting ragged ones. */
function inferShape(values: NestedArray, op: string, path = 'values'): number[] {
  if (!Array.isArray(values)) {
    if (typeof values !== 'number') throw new ValueError(`${op}: ${path} must be a number, but got ${describe(values)}`);
    return [];
  }
  if (values.length === 0) return [0];
  const inner = inferShape(values[0]!, op, `${path}[0]`);
  for (let i = 1; i < values.length; i++) {
    const s = inferShape(values[i]!, op, `${path}[${i}]`);
    if (s.length !== inner.length || s.some((d, j) => d !== inner[j])) {
      throw new ShapeError(`${op}: ragged nested array: ${path}[0] has shape ${formatShape(inner)} but ${path}[${i}] has shape ${formatShape(s)}`);
    }
  }
  return [values.length, ...inner];
}

/**
 * Create a tensor from nested arrays, a typed array or a plain array of numbers.
 *
 * @param values nested arrays (shape inferred) or flat values with `options.shape`.
 * @throws ShapeError for ragged arrays or a length that does not match the shape; DTypeError for an unknown dtype.
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);                       // float32 [2,2]
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }); // float64 inferred from the array
 * ```
 */
export function tensor(values: NestedArray | TypedArray | readonly number[], options: CreationOptions & { shape?: readonly number[] } = {}): Tensor {
  const op = 'tensor';
  options = checkOptions(options, TENSOR_OPTIONS, op);
  const isTyped = values instanceof Float32Array || values instanceof Float64Array;
  const dtype = checkDtype(options.dtype ?? (values instanceof Float64Array ? 'float64' : undefined), op);
  let flat: ArrayLike<number>;
  let shape: number[];
  if (isTyped) {
    flat = values as TypedArray;
    shape = options.shape ? validateShape(options.shape, op) : [flat.length];
  } else {
    const inferred = inferShape(values as NestedArray, op);
    flat = Array.isArray(values) ? (values as NestedArray[]).flat(Infinity as 1) as number[] : [values as number];
    shape = options.shape ? validateShape(options.shape, op) : inferred;
    if (options.shape && inferred.length > 1) {
      throw new ShapeError(`${op}: pass either nested arrays or flat values with a shape, but got nested arrays of shape ${formatShape(inferred)} and shape ${formatShape(shape)}`);
    }
  }
  if (flat.length !== sizeOf(shape)) {
    throw new ShapeError(`${op}: shape ${formatShape(shape)} needs ${sizeOf(shape)} values, but got ${flat.length}`);
  }
  const data = allocateTensorStorage(dtype, flat.length, op);
  data.set(flat);
  return fromValues(data, shape, dtype);
}

/** A scalar tensor.
 * @example
 * ```ts
 * scalar(3).item(); // 3
 * ```
 */
export function scalar(value: number, options: CreationOptions = {}): Tensor {
  if (typeof value !== 'number') throw new ValueError(`scalar: value must be a number, but got ${describe(value)}`);
  return filled([], value, options, 'scalar');
}

/** A tensor of a shape filled with one value.
 * @example
 * ```ts
 * full([2, 2], 7);
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreationOptions = {}): Tensor {
  if (typeof value !== 'number') throw new ValueError(`full: value must be a number, but got ${describe(value)}`);
  return filled(shape, value, options, 'full');
}

function filled(shape: readonly number[], value: number, options: CreationOptions | undefined, op: string): Tensor {
  const s = validateShape(shape, op);
  const dtype = dtypeOption(options, op);
  const data = allocateTensorStorage(dtype, sizeOf(s), op);
  if (value !== 0) data.fill(value);
  return fromValues(data, s, dtype);
}

/** A tensor of zeros.
 * @example
 * ```ts
 * zeros([2, 3]);
 * ```
 */
export function zeros(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return filled(shape, 0, options, 'zeros');
}

/** A tensor of ones.
 * @example
 * ```ts
 * ones([3]);
 * ```
 */
export function ones(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return filled(shape, 1, options, 'ones');
}

/** Zeros with the shape and dtype of `x`.
 * @example
 * ```ts
 * zerosLike(w);
 * ```
 */
export function zerosLike(x: Tensor): Tensor {
  const t = toTensorArg(x, 'zerosLike');
  return full(t.shape, 0, { dtype: t.dtype });
}

/** Ones with the shape and dtype of `x`.
 * @example
 * ```ts
 * onesLike(w);
 * ```
 */
export function onesLike(x: Tensor): Tensor {
  const t = toTensorArg(x, 'onesLike');
  return full(t.shape, 1, { dtype: t.dtype });
}

/** Evenly spaced values in [start, stop) (like `numpy.arange`); `arange(n)` gives 0…n−1.
 * @example
 * ```ts
 * arange(0, 1, 0.25).toArray(); // [0, 0.25, 0.5, 0.75]
 * ```
 */
export function arange(start: number, stop?: number, step = 1, options: CreationOptions = {}): Tensor {
  if (stop === undefined) { stop = start; start = 0; }
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`arange: ${name} must be a finite number, but got ${describe(v)}`);
  }
  if (step === 0) throw new ValueError('arange: step must be non-zero, but got 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = dtypeOption(options, 'arange');
  checkSize(n, 'arange', `the range start=${start}, stop=${stop}, step=${step}`);
  const data = allocateTensorStorage(dtype, n, 'arange');
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromValues(data, [n], dtype);
}

/** An identity matrix (n × m, m defaults to n).
 * @example
 * ```ts
 * eye(3);
 * ```
 */
export function eye(n: number, m = n, options: CreationOptions = {}): Tensor {
  validateShape([n, m], 'eye', '[n, m]');
  const dtype = dtypeOption(options, 'eye');
  const data = allocateTensorStorage(dtype, n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromValues(data, [n, m], dtype);
}

function toTensorArg(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: argument 'x' must be a Tensor, but got ${describe(x)}`);
  return x;
}

function checkRng(rng: unknown, op: string): Rng {
  if (!rng || typeof (rng as Rng).uniform !== 'function') {
    throw new ValueError(`${op}: argument 'rng' must be an Rng (new Rng(seed)), but got ${describe(rng)}`);
  }
  return rng as Rng;
}

/** Uniform values in [low, high) drawn from `rng`.
 * @example
 * ```ts
 * uniform([2, 2], -1, 1, new Rng(0));
 * ```
 */
export function uniform(shape: readonly number[], low: number, high: number, rng: Rng, options: CreationOptions = {}): Tensor {
  return uniformIn(shape, low, high, rng, options, 'uniform');
}

function uniformIn(shape: readonly number[], low: number, high: number, rng: Rng, options: CreationOptions | undefined, op: string): Tensor {
  const s = validateShape(shape, op);
  const r = checkRng(rng, op);
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new ValueError(`${op}: low and high must be finite with low <= high, but got low=${low}, high=${high}`);
  }
  const dtype = dtypeOption(options, op);
  const data = allocateTensorStorage(dtype, sizeOf(s), op);
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * r.uniform();
  return fromValues(data, s, dtype);
}

/** Uniform values in [0, 1) drawn from `rng`.
 * @example
 * ```ts
 * rand([3], new Rng(1));
 * ```
 */
export function rand(shape: readonly number[], rng: Rng, options: CreationOptions = {}): Tensor {
  return uniformIn(shape, 0, 1, rng, options, 'rand');
}

/** Normal values (mean 0, std 1 unless given) drawn from `rng`.
 * @example
 * ```ts
 * randn([2, 3], new Rng(1), { std: 0.1 });
 * ```
 */
export function randn(shape: readonly number[], rng: Rng, options: CreationOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = validateShape(shape, 'randn');
  const r = checkRng(rng, 'randn');
  options = checkOptions(options, RANDN_OPTIONS, 'randn');
  const { mean = 0, std = 1 } = options;
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new ValueError(`randn: mean must be finite and std a finite number >= 0, but got mean=${mean}, std=${std}`);
  }
  const dtype = checkDtype(options.dtype, 'randn');
  const data = allocateTensorStorage(dtype, sizeOf(s), 'randn');
  for (let i = 0; i < data.length; i++) data[i] = mean + std * r.normal();
  return fromValues(data, s, dtype);
}
