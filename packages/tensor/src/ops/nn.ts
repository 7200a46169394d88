import { noGrad, runKernel } from '../engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { Cast, LogSoftmax, OneHot, Softmax } from '../kernel_names.js';
import { describe, formatShape, normalizeAxes, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { DTYPES, type DType } from '../types.js';
import { add, mul, neg, sub } from './arithmetic.js';
import { checkOptions } from '../options.js';
import { toTensor } from './convert.js';
import { mean, sum } from './reduce.js';

/** Softmax along `axis` (default the last).
 * @example
 * ```ts
 * softmax(tensor([[1, 1]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const t = toTensor(x, 'x', 'softmax');
  const [ax] = normalizeAxes(axis, t.rank, 'softmax');
  return runKernel(Softmax, { x: t }, { axis: ax });
}

/** Log-softmax along `axis` (default the last), computed stably.
 * @example
 * ```ts
 * logSoftmax(tensor([[0, 0]])).toArray(); // [[-0.693…, -0.693…]]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const t = toTensor(x, 'x', 'logSoftmax');
  const [ax] = normalizeAxes(axis, t.rank, 'logSoftmax');
  return runKernel(LogSoftmax, { x: t }, { axis: ax });
}

/** Convert to another dtype.
 * @example
 * ```ts
 * cast(tensor([1]), 'float64').dtype; // 'float64'
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = toTensor(x, 'x', 'cast');
  if (!DTYPES.includes(dtype)) throw new DTypeError(`cast: dtype must be one of ${DTYPES.join(', ')}, but got ${describe(dtype)}`);
  if (t.dtype === dtype) return t;
  return runKernel(Cast, { x: t }, { dtype });
}

/** Integer class labels, validated: each an integer in [0, numClasses).
 * @example
 * ```ts
 * checkLabels([2, 0, 1], 3, 3, 'crossEntropy'); // [2, 0, 1]
 * ```
 */
export function checkLabels(labels: unknown, numClasses: number, rows: number, op: string): number[] {
  const list = labels instanceof Tensor ? Array.from(labels.buffer()) : labels;
  if (list === null || typeof list !== 'object' || typeof (list as ArrayLike<number>).length !== 'number') {
    throw new ValueError(`${op}: labels must be an array of integer class indices, but got ${describe(labels)}`);
  }
  const out = Array.from(list as ArrayLike<number>);
  if (out.length !== rows) throw new ShapeError(`${op}: expected one label per row (${rows}), but got ${out.length} labels`);
  out.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new ValueError(`${op}: labels[${i}] must be an integer class index in [0, ${numClasses - 1}], but got ${v}`);
    }
  });
  return out;
}

/** One-hot rows for integer labels.
 * @example
 * ```ts
 * oneHot([1, 0], 3).toArray(); // [[0, 1, 0], [1, 0, 0]]
 * ```
 */
export function oneHot(labels: ArrayLike<number> | Tensor, depth: number, options: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(depth) || depth <= 0) throw new ValueError(`oneHot: depth must be a positive integer, but got ${describe(depth)}`);
  const { dtype = 'float32' } = checkOptions(options, { dtype: 'any' }, 'oneHot');
  if (!DTYPES.includes(dtype)) throw new DTypeError(`oneHot: dtype must be one of ${DTYPES.join(', ')}, but got ${describe(dtype)}`);
  const n = labels instanceof Tensor ? labels.size : (labels as ArrayLike<number>)?.length;
  const list = checkLabels(labels, depth, n ?? 0, 'oneHot');
  return noGrad(() => runKernel(OneHot, {}, { labels: list, depth, dtype }));
}

/** Options of {@link crossEntropy}.
 * @example
 * ```ts
 * crossEntropy(logits, labels, { reduction: 'sum', labelSmoothing: 0.1 });
 * ```
 */
export interface CrossEntropyOptions {
  /** 'mean' (default) over rows, 'sum', or 'none' (one loss per row). */
  reduction?: 'mean' | 'sum' | 'none';
  /** PyTorch's label smoothing ε: the target is (1−ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy of logits `[N, C]` against integer labels, as `torch.nn.functional.cross_entropy`.
 *
 * @throws ShapeError when logits are not 2-D, the label count differs or labels are a tensor that is
 * not 1-D (one-hot rows); ValueError for labels that are not integers in [0, C).
 * @example
 * ```ts
 * crossEntropy(tensor([[2, 0], [0, 2]]), [0, 1]).item(); // 0.1269…
 * ```
 */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number> | Tensor, options: CrossEntropyOptions = {}): Tensor {
  const t = toTensor(logits, 'logits', 'crossEntropy');
  if (t.rank !== 2) throw new ShapeError(`crossEntropy: logits must be 2-D [batch, classes], but got shape ${formatShape(t.shape)}`);
  const { reduction = 'mean', labelSmoothing = 0 } = checkOptions(options, { reduction: 'string', labelSmoothing: 'number' }, 'crossEntropy');
  if (!['mean', 'sum', 'none'].includes(reduction)) throw new ValueError(`crossEntropy: reduction must be 'mean', 'sum' or 'none', but got ${describe(reduction)}`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], but got ${describe(labelSmoothing)}`);
  const [n, c] = t.shape as [number, number];
  if (labels instanceof Tensor && labels.rank !== 1) {
    throw new ShapeError(`crossEntropy: labels must be class indices, one per row of logits ${formatShape(t.shape)} (an array or a 1-D tensor), but got a tensor of shape ${formatShape(labels.shape)}; for one-hot rows pass their argmax`);
  }
  const list = checkLabels(labels, c, n, 'crossEntropy');
  let target = oneHot(list, c, { dtype: t.dtype });
  if (labelSmoothing > 0) target = noGrad(() => add(mul(target, 1 - labelSmoothing), labelSmoothing / c));
  const perRow = neg(sum(mul(logSoftmax(t, 1), target), 1));
  return reduction === 'none' ? perRow : reduction === 'sum' ? sum(perRow) : mean(perRow);
}

/** Mean squared error `mean((prediction − target)²)`; the shapes must be equal.
 * @throws ShapeError naming both shapes when they differ.
 * @example
 * ```ts
 * mse(tensor([1, 2]), tensor([1, 4])).item(); // 2
 * ```
 */
export function mse(prediction: Tensor, target: Tensor): Tensor {
  const p = toTensor(prediction, 'prediction', 'mse');
  const y = toTensor(target, 'target', 'mse', p.dtype);
  if (!shapesEqual(p.shape, y.shape)) throw new ShapeError(`mse: prediction has shape ${formatShape(p.shape)} but target has shape ${formatShape(y.shape)}`);
  if (p.dtype !== y.dtype) throw new DTypeError(`mse: dtypes differ: prediction is ${p.dtype}, target is ${y.dtype}`);
  const d = sub(p, y);
  return mean(mul(d, d));
}
