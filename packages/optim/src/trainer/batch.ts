/**
 * Taking the rows of a batch from a data set.
 * @module
 */
import { Tensor, ValueError, gatherRows, noGrad } from '@descent/tensor';
import type { Targets } from '../plugin_types.js';

/** The number of targets (first axis of a tensor, or the length of a label list).
 * @throws ValueError for anything else.
 * @example
 * ```ts
 * targetCount([0, 1, 1]); // 3
 * ```
 */
export function targetCount(y: unknown, where: string): number {
  if (y instanceof Tensor) {
    if (y.rank === 0) throw new ValueError(`${where}: y must have a sample axis, but got a scalar tensor`);
    return y.shape[0]!;
  }
  if (Array.isArray(y) || ArrayBuffer.isView(y)) return (y as ArrayLike<number>).length;
  throw new ValueError(`${where}: y must be a Tensor or an array of class indices, but got ${y === null ? 'null' : typeof y}`);
}

/** The inputs of a batch (rows `indices` of `x`), outside the tape.
 * @example
 * ```ts
 * takeRows(x, Int32Array.of(2, 0)); // rows 2 and 0
 * ```
 */
export function takeRows(x: Tensor, indices: Int32Array): Tensor {
  return noGrad(() => gatherRows(x, indices));
}

/** The targets of a batch, in the same form as `y` (a tensor, or a label array).
 * @example
 * ```ts
 * takeTargets([5, 6, 7], Int32Array.of(2, 0)); // [7, 5]
 * ```
 */
export function takeTargets(y: Targets, indices: Int32Array): Targets {
  if (y instanceof Tensor) return takeRows(y, indices);
  return Array.from(indices, (i) => y[i]!);
}
