import { DTypeError, ValueError } from '../errors.js';
import { fromValues } from '../engine.js';
import { describe } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocate } from '../storage.js';
import type { DType } from '../types.js';

/** What ops accept where a tensor is expected: a tensor, or a number (a scalar of the other operand's dtype).
 * @example
 * ```ts
 * const v: TensorLike = 2;
 * ```
 */
export type TensorLike = Tensor | number;

/** Convert an op argument to a tensor, naming the op and the argument when it cannot be.
 * @throws ValueError for anything but a tensor or a number.
 * @example
 * ```ts
 * toTensor(2, 'b', 'add', 'float64'); // a float64 scalar tensor
 * ```
 */
export function toTensor(value: unknown, arg: string, op: string, dtype: DType = 'float32'): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'number') {
    const data = allocate(dtype, 1);
    data[0] = value;
    return fromValues(data, [], dtype);
  }
  throw new ValueError(`${op}: argument '${arg}' must be a Tensor or a number, but got ${describe(value)}`);
}

/** Convert two operands, a number taking the dtype of the tensor beside it, and require equal dtypes.
 * @throws DTypeError when both are tensors of different dtypes.
 * @example
 * ```ts
 * const [a, b] = toTensorPair(x, 1, 'add');
 * ```
 */
export function toTensorPair(a: unknown, b: unknown, op: string): [Tensor, Tensor] {
  const like = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const ta = toTensor(a, 'a', op, like);
  const tb = toTensor(b, 'b', op, like);
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(`${op}: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}; convert one with cast()`);
  }
  return [ta, tb];
}
