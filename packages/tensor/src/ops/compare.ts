import { noGrad, runKernel } from '../engine.js';
import { Equal, Greater, GreaterEqual, Less, LessEqual, NotEqual, Where } from '../kernel_names.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, toTensorPair, type TensorLike } from './convert.js';

// Comparisons return 0/1 tensors of the operands' dtype and are not differentiable.
const compare = (kernel: string, op: string) => (a: TensorLike, b: TensorLike): Tensor => {
  const [ta, tb] = toTensorPair(a, b, op);
  broadcastShapes(ta.shape, tb.shape, op);
  return noGrad(() => runKernel(kernel, { a: ta, b: tb }));
};

/**
 * 1 where `a > b`, else 0.
 * @example
 * ```ts
 * greater(tensor([1, 3]), 2).toArray(); // [0, 1]
 * ```
 */
export const greater = compare(Greater, 'greater');
/**
 * 1 where `a ≥ b`.
 * @example
 * ```ts
 * greaterEqual(tensor([2]), 2).item(); // 1
 * ```
 */
export const greaterEqual = compare(GreaterEqual, 'greaterEqual');
/**
 * 1 where `a < b`.
 * @example
 * ```ts
 * less(tensor([1]), 2).item(); // 1
 * ```
 */
export const less = compare(Less, 'less');
/**
 * 1 where `a ≤ b`.
 * @example
 * ```ts
 * lessEqual(tensor([3]), 2).item(); // 0
 * ```
 */
export const lessEqual = compare(LessEqual, 'lessEqual');
/**
 * 1 where `a = b`.
 * @example
 * ```ts
 * equal(tensor([2]), 2).item(); // 1
 * ```
 */
export const equal = compare(Equal, 'equal');
/**
 * 1 where `a ≠ b`.
 * @example
 * ```ts
 * notEqual(tensor([2]), 2).item(); // 0
 * ```
 */
export const notEqual = compare(NotEqual, 'notEqual');

/**
 * `condition ≠ 0 ? a : b`, elementwise with broadcasting. The condition gets no gradient; `a` and
 * `b` get the gradient where they were chosen.
 *
 * @example
 * ```ts
 * where(greater(x, 0), x, 0); // relu
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = toTensor(condition, 'condition', 'where');
  const [ta, tb] = toTensorPair(a, b, 'where');
  broadcastShapes(broadcastShapes(c.shape, ta.shape, 'where'), tb.shape, 'where');
  return runKernel(Where, { condition: c.detach(), a: ta, b: tb });
}
