import { runKernel } from '../engine.js';
import { DTypeError, ShapeError } from '../errors.js';
import { MatMul } from '../kernel_names.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';

/** Options of {@link matmul}: use an operand transposed (its last two axes swapped) without copying it.
 * @example
 * ```ts
 * matmul(x, w, { transposeB: true }); // x · wᵀ
 * ```
 */
export interface MatMulOptions {
  /** Use `a` transposed. */
  transposeA?: boolean;
  /** Use `b` transposed. */
  transposeB?: boolean;
}

/**
 * Matrix product of 2-D matrices, or batched over a leading axis when either operand is 3-D
 * (a 2-D operand is shared by every batch entry).
 *
 * @throws ShapeError naming both shapes when the inner dimensions or batch sizes differ.
 * @example
 * ```ts
 * matmul(ones([2, 3]), ones([3, 4])).shape; // [2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const ta = toTensor(a, 'a', 'matmul');
  const tb = toTensor(b, 'b', 'matmul');
  const { transposeA = false, transposeB = false } = checkOptions(options, { transposeA: 'boolean', transposeB: 'boolean' }, 'matmul');
  if (ta.rank < 2 || ta.rank > 3 || tb.rank < 2 || tb.rank > 3) {
    throw new ShapeError(`matmul: operands must be 2-D or 3-D, but a is ${formatShape(ta.shape)} and b is ${formatShape(tb.shape)}`);
  }
  if (ta.dtype !== tb.dtype) throw new DTypeError(`matmul: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}`);
  const ka = ta.shape[ta.rank - (transposeA ? 2 : 1)]!;
  const kb = tb.shape[tb.rank - (transposeB ? 1 : 2)]!;
  if (ka !== kb) {
    const how = transposeA || transposeB ? ` (transposeA=${transposeA}, transposeB=${transposeB})` : '';
    throw new ShapeError(`matmul: inner dimensions differ: a is ${formatShape(ta.shape)}, b is ${formatShape(tb.shape)}${how}`);
  }
  if (ta.rank === 3 && tb.rank === 3 && ta.shape[0] !== tb.shape[0]) {
    throw new ShapeError(`matmul: batch sizes differ: a is ${formatShape(ta.shape)}, b is ${formatShape(tb.shape)}`);
  }
  return runKernel(MatMul, { a: ta, b: tb }, { transposeA, transposeB });
}
