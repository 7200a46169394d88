import { runKernel } from '../engine.js';
import { DTypeError, ShapeError } from '../errors.js';
import { MatMul } from '../kernel_names.js';
import { broadcastShapes, formatShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';
import { reshape } from './shape.js';

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

const MATMUL_OPTIONS = { transposeA: 'boolean', transposeB: 'boolean' } as const;

/**
 * Matrix product, as `torch.matmul`: 2-D `[n, k]·[k, m]`, or batched `[..., n, k]·[..., k, m]` with
 * the leading (batch) axes broadcast against each other (a 2-D operand is shared by every batch
 * entry). A 1-D operand is a vector: `a` of shape `[k]` is treated as `[1, k]` and `b` of shape `[k]`
 * as `[k, 1]`, and the added axis is removed from the result. The transposition flags swap the last
 * two axes of an operand of rank ≥ 2 without copying it.
 *
 * @throws ShapeError naming both shapes when an operand is a scalar, the inner dimensions differ or
 * the batch axes do not broadcast; DTypeError when the dtypes differ.
 * @example
 * ```ts
 * matmul(ones([2, 3]), ones([3, 4])).shape;          // [2, 4]
 * matmul(ones([8, 4, 5, 6]), ones([6, 7])).shape;    // [8, 4, 5, 7]
 * matmul(ones([2, 1, 5, 6]), ones([3, 6, 7])).shape; // [2, 3, 5, 7]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const ta = toTensor(a, 'a', 'matmul');
  const tb = toTensor(b, 'b', 'matmul');
  const { transposeA = false, transposeB = false } = checkOptions(options, MATMUL_OPTIONS, 'matmul');
  if (ta.rank < 1 || tb.rank < 1) {
    throw new ShapeError(`matmul: operands must have at least one axis, but a is ${formatShape(ta.shape)} and b is ${formatShape(tb.shape)}`);
  }
  if (ta.dtype !== tb.dtype) throw new DTypeError(`matmul: dtypes differ: a is ${ta.dtype}, b is ${tb.dtype}`);
  if (ta.rank === 1 || tb.rank === 1) {
    // Vectors: add the axis, multiply, drop it again (torch.matmul's rule).
    const a2 = ta.rank === 1 ? reshape(ta, [1, ta.shape[0]!]) : ta;
    const b2 = tb.rank === 1 ? reshape(tb, [tb.shape[0]!, 1]) : tb;
    const c = matmul(a2, b2, { transposeA: ta.rank === 1 ? false : transposeA, transposeB: tb.rank === 1 ? false : transposeB });
    const keep = c.shape.slice(0, -2);
    return reshape(c, [...keep, ...(ta.rank === 1 ? [] : [c.shape[c.rank - 2]!]), ...(tb.rank === 1 ? [] : [c.shape[c.rank - 1]!])]);
  }
  const ka = ta.shape[ta.rank - (transposeA ? 2 : 1)]!;
  const kb = tb.shape[tb.rank - (transposeB ? 1 : 2)]!;
  if (ka !== kb) {
    const how = transposeA || transposeB ? ` (transposeA=${transposeA}, transposeB=${transposeB})` : '';
    throw new ShapeError(`matmul: inner dimensions differ: a is ${formatShape(ta.shape)}, b is ${formatShape(tb.shape)}${how}`);
  }
  const leadA = ta.shape.slice(0, -2), leadB = tb.shape.slice(0, -2);
  try {
    broadcastShapes(leadA, leadB, 'matmul');
  } catch {
    throw new ShapeError(`matmul: batch axes do not broadcast: a is ${formatShape(ta.shape)} (batch ${formatShape(leadA)}), b is ${formatShape(tb.shape)} (batch ${formatShape(leadB)})`);
  }
  if (ta.rank > 2 && tb.rank === 2 && !transposeA) {
    // [..., n, k]·[k, m] is one 2-D product over the stacked rows: the fast path, and B's gradient
    // comes out as one product instead of a batch of them summed.
    const n = ta.shape[ta.rank - 2]!;
    const rows = reshape(ta, [sizeOf(leadA) * n, ka]);
    const c = runKernel(MatMul, { a: rows, b: tb }, { transposeA: false, transposeB });
    return reshape(c, [...leadA, n, c.shape[1]!]);
  }
  return runKernel(MatMul, { a: ta, b: tb }, { transposeA, transposeB });
}
