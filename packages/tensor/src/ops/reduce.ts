import { runKernel } from '../engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { Max, Sum } from '../kernel_names.js';
import { formatShape, normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, neg, sub } from './arithmetic.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';

/** Options of reductions: `keepDims` keeps reduced axes with size 1.
 * @example
 * ```ts
 * sum(x, 1, { keepDims: true });
 * ```
 */
export interface ReduceOptions {
  /** Keep reduced axes with size 1 (default false). */
  keepDims?: boolean;
}

const REDUCE_OPTIONS = { keepDims: 'boolean' } as const;

function reduce(kernel: string, op: string, x: Tensor, axis: number | readonly number[] | undefined, options: ReduceOptions | undefined): Tensor {
  const t = toTensor(x, 'x', op);
  const { keepDims = false } = checkOptions(options, REDUCE_OPTIONS, op);
  const axes = normalizeAxes(axis, t.rank, op);
  if (kernel === Max) checkNonEmpty(t, axes, op);
  return runKernel(kernel, { x: t }, { axes, keepDims });
}

function countOf(x: Tensor, axis: number | readonly number[] | undefined, op: string): number {
  return normalizeAxes(axis, x.rank, op).reduce((n, a) => n * x.shape[a]!, 1);
}

/** Sum over `axis` (all axes when omitted).
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * ```
 */
export function sum(x: Tensor, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return reduce(Sum, 'sum', x, axis, options);
}

/** Mean over `axis` (all axes when omitted).
 * @example
 * ```ts
 * mean(tensor([1, 2, 3])).item(); // 2
 * ```
 */
export function mean(x: Tensor, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, 'x', 'mean');
  const n = countOf(t, axis, 'mean');
  return div(sum(t, axis, checkOptions(options, REDUCE_OPTIONS, 'mean')), n);
}

/** Maximum over `axis`. Ties share the gradient equally (like `torch.amax`); NaN propagates.
 * @throws ShapeError when a reduced axis has size 0.
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 2]]), 1).toArray(); // [5, 3]
 * ```
 */
export function max(x: Tensor, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return reduce(Max, 'max', x, axis, options);
}

/** max/min have no identity: reducing an axis of size 0 is an error, as in PyTorch (not −Infinity). */
function checkNonEmpty(x: Tensor, axis: number | readonly number[] | undefined, op: string): void {
  const empty = normalizeAxes(axis, x.rank, op).find((a) => x.shape[a] === 0);
  if (empty !== undefined) {
    throw new ShapeError(`${op}: cannot reduce over axis ${empty} of size 0 (x has shape ${formatShape(x.shape)}); ${op} of no values is undefined`);
  }
}

/** Minimum over `axis` (ties and NaN as {@link max}).
 * @throws ShapeError when a reduced axis has size 0.
 * @example
 * ```ts
 * min(tensor([4, 1, 3])).item(); // 1
 * ```
 */
export function min(x: Tensor, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = toTensor(x, 'x', 'min');
  checkNonEmpty(t, axis, 'min');
  return neg(max(neg(t), axis, checkOptions(options, REDUCE_OPTIONS, 'min')));
}

/** Variance over `axis`: `Σ(x − mean)² / (n − correction)`. `correction` defaults to 1 (unbiased, as
 * `torch.var`); pass 0 for the biased (population) variance that normalisation layers use.
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4]), undefined, { correction: 0 }).item(); // 1.25
 * ```
 */
export function variance(x: Tensor, axis?: number | readonly number[], options: ReduceOptions & { correction?: number } = {}): Tensor {
  const t = toTensor(x, 'x', 'variance');
  const { correction = 1, keepDims = false } = checkOptions(options, { ...REDUCE_OPTIONS, correction: 'number' }, 'variance');
  const n = countOf(t, axis, 'variance');
  if (!Number.isInteger(correction) || correction < 0) {
    throw new ValueError(`variance: correction must be a non-negative integer, but got ${correction}`);
  }
  const centered = sub(t, mean(t, axis, { keepDims: true }));
  return div(sum(mul(centered, centered), axis, { keepDims }), n - correction);
}
