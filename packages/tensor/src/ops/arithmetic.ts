import { runKernel } from '../engine.js';
import { Add, Div, Mul, Neg, Pow, PowScalar, Sub } from '../kernel_names.js';
import { broadcastShapes, describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { ValueError } from '../errors.js';
import { toTensor, toTensorPair, type TensorLike } from './convert.js';
import { greater, less, notEqual, where } from './compare.js';

function binary(kernel: string, op: string, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = toTensorPair(a, b, op);
  broadcastShapes(ta.shape, tb.shape, op);
  return runKernel(kernel, { a: ta, b: tb });
}

/** `a + b` with broadcasting.
 * @example
 * ```ts
 * add(tensor([1, 2]), 1).toArray(); // [2, 3]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor { return binary(Add, 'add', a, b); }

/** `a − b` with broadcasting.
 * @example
 * ```ts
 * sub(tensor([3, 4]), tensor([1, 1])).toArray(); // [2, 3]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor { return binary(Sub, 'sub', a, b); }

/** Elementwise `a · b` with broadcasting.
 * @example
 * ```ts
 * mul(tensor([1, 2]), 3).toArray(); // [3, 6]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor { return binary(Mul, 'mul', a, b); }

/** Elementwise `a / b` with broadcasting.
 * @example
 * ```ts
 * div(tensor([1, 2]), 2).toArray(); // [0.5, 1]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor { return binary(Div, 'div', a, b); }

/** Elementwise power: a number exponent uses a dedicated kernel; a tensor exponent is differentiated in both arguments.
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 * ```
 */
export function pow(x: TensorLike, exponent: TensorLike): Tensor {
  if (typeof exponent === 'number') {
    if (!Number.isFinite(exponent)) throw new ValueError(`pow: exponent must be finite, but got ${describe(exponent)}`);
    return runKernel(PowScalar, { x: toTensor(x, 'x', 'pow') }, { exponent });
  }
  return binary(Pow, 'pow', x, exponent);
}

/** `x²`.
 * @example
 * ```ts
 * square(tensor([3])).item(); // 9
 * ```
 */
export function square(x: Tensor): Tensor { return pow(x, 2); }

/** `−x`.
 * @example
 * ```ts
 * neg(tensor([1])).item(); // -1
 * ```
 */
export function neg(x: TensorLike): Tensor { return runKernel(Neg, { x: toTensor(x, 'x', 'neg') }); }

/** `b` where `b` beats `a` (`beats(a, b)` is 1) or is NaN, else `a`: NaN propagates from either
 * side (as `torch.maximum`), and at ties the gradient goes to `a`. */
function pick(a: TensorLike, b: TensorLike, op: string, beats: (a: Tensor, b: Tensor) => Tensor): Tensor {
  const [ta, tb] = toTensorPair(a, b, op);
  return where(add(beats(ta, tb), notEqual(tb, tb)), tb, ta);
}

/** Elementwise maximum; NaN propagates from either operand; at ties the gradient goes to `a`.
 * @example
 * ```ts
 * maximum(tensor([1, 5]), 3).toArray(); // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor { return pick(a, b, 'maximum', less); }

/** Elementwise minimum; NaN propagates from either operand; at ties the gradient goes to `a`.
 * @example
 * ```ts
 * minimum(tensor([1, 5]), 3).toArray(); // [1, 3]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor { return pick(a, b, 'minimum', greater); }

/** Limit values to [min, max] (either bound may be omitted); NaN stays NaN.
 * @throws ValueError when min > max.
 * @example
 * ```ts
 * clamp(tensor([-2, 0, 2]), -1, 1).toArray(); // [-1, 0, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  for (const [name, bound] of [['min', min], ['max', max]] as const) {
    if (bound !== undefined && typeof bound !== 'number') throw new ValueError(`clamp: ${name} must be a number or undefined, but got ${describe(bound)}`);
  }
  if (min !== undefined && max !== undefined && min > max) throw new ValueError(`clamp: min must be <= max, but got min=${min}, max=${max}`);
  let out = toTensor(x, 'x', 'clamp');
  if (min !== undefined) out = maximum(out, min);
  if (max !== undefined) out = minimum(out, max);
  return out;
}
