import { ShapeError, ValueError } from '../errors.js';
import { broadcastShapes, describe, formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { DType } from '../types.js';
import { where } from './compare.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';
import { tensor } from './creation.js';

/**
 * `x` with `value` wherever `mask` is non-zero (`torch.Tensor.masked_fill`); the mask broadcasts
 * against `x`. The filled positions pass no gradient to `x`. Filling attention scores with
 * `-Infinity` before {@link softmax} removes those keys; a row with every key removed becomes NaN,
 * as in PyTorch (0/0 in the softmax), so keep at least one key per row.
 *
 * @throws ShapeError when the mask does not broadcast to x's shape; ValueError when value is not a number.
 * @example
 * ```ts
 * maskedFill(scores, causalMask(4, { dtype: 'float64', additive: false }), -Infinity);
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  const t = toTensor(x, 'x', 'maskedFill');
  const m = toTensor(mask, 'mask', 'maskedFill');
  if (typeof value !== 'number') throw new ValueError(`maskedFill: value must be a number, but got ${describe(value)}`);
  const shape = broadcastShapes(t.shape, m.shape, 'maskedFill');
  if (!shapesEqual(shape, t.shape)) {
    throw new ShapeError(`maskedFill: the mask must broadcast to x's shape ${formatShape(t.shape)}, but the mask has shape ${formatShape(m.shape)}`);
  }
  return where(m, value, t);
}

/** Options of {@link causalMask}.
 * @example
 * ```ts
 * const o: CausalMaskOptions = { dtype: 'float64', additive: false };
 * ```
 */
export interface CausalMaskOptions {
  /** dtype of the mask (default float32). */
  dtype?: DType;
  /** `true` (default): 0 on and below the diagonal, `-Infinity` above (PyTorch's
   * `generate_square_subsequent_mask`, added to the scores). `false`: 1 above the diagonal (the
   * positions to hide, PyTorch's boolean mask), 0 elsewhere, for {@link maskedFill}. */
  additive?: boolean;
  /** Number of keys (columns) when it differs from the number of queries (default `size`). */
  columns?: number;
}

/**
 * The `[size, columns]` causal attention mask (square by default): query i may attend to keys 0…i only.
 *
 * @throws ValueError for a size that is not a positive integer.
 * @example
 * ```ts
 * causalMask(3).toArray(); // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
 * ```
 */
export function causalMask(size: number, options: CausalMaskOptions = {}): Tensor {
  if (!Number.isInteger(size) || size < 1) throw new ValueError(`causalMask: size must be a positive integer, but got ${describe(size)}`);
  const { dtype = 'float32', additive = true, columns = size } = checkOptions(options, { dtype: 'string', additive: 'boolean', columns: 'number' }, 'causalMask');
  if (!Number.isInteger(columns) || columns < 1) throw new ValueError(`causalMask: options.columns must be a positive integer, but got ${describe(columns)}`);
  const values: number[] = [];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < columns; j++) values.push(j > i ? (additive ? -Infinity : 1) : 0);
  }
  return tensor(values, { shape: [size, columns], dtype });
}
