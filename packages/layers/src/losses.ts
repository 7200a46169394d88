/**
 * Losses as functions ({@link crossEntropyLoss}, {@link mseLoss}, {@link bceWithLogits}) and as
 * modules ({@link CrossEntropyLoss}, {@link MSELoss}, {@link BCEWithLogitsLoss}).
 * @module
 */
import {
  DTypeError, ShapeError, Tensor, ValueError, crossEntropy, describe, formatShape, mean, softplus, sum, tensor,
  type CrossEntropyOptions,
} from '@descent/tensor';
import { checkInput, checkOptions } from './checks.js';
import { Module } from './module.js';

/** How per-element losses are combined: `'mean'` (default), `'sum'`, or `'none'` (no reduction).
 * @example
 * ```ts
 * const r: Reduction = 'sum';
 * ```
 */
export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(value: unknown, where: string): Reduction {
  if (value === undefined) return 'mean';
  if (value !== 'mean' && value !== 'sum' && value !== 'none') {
    throw new ValueError(`${where}: reduction must be 'mean', 'sum' or 'none', but got ${describe(value)}`);
  }
  return value;
}

function reduce(x: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? x : reduction === 'sum' ? sum(x) : mean(x);
}

/** A target given as a tensor, or flat values with one per element of `like`. */
function checkTarget(target: unknown, like: Tensor, where: string): Tensor {
  let t: Tensor;
  if (target instanceof Tensor) {
    t = target;
  } else if (target !== null && typeof target === 'object' && typeof (target as ArrayLike<number>).length === 'number') {
    const values = Array.from(target as ArrayLike<number>);
    if (values.length !== like.size) {
      throw new ShapeError(`${where}: target has ${values.length} values, but input has shape ${formatShape(like.shape)} (${like.size} values)`);
    }
    t = tensor(values, { shape: like.shape, dtype: like.dtype });
  } else {
    throw new ValueError(`${where}: target must be a Tensor or an array of numbers, but got ${describe(target)}`);
  }
  if (t.shape.length !== like.shape.length || t.shape.some((d, i) => d !== like.shape[i])) {
    throw new ShapeError(`${where}: input has shape ${formatShape(like.shape)} but target has shape ${formatShape(t.shape)}; they must be equal`);
  }
  if (t.dtype !== like.dtype) throw new DTypeError(`${where}: input is ${like.dtype} but target is ${t.dtype}`);
  return t;
}

/** Options of {@link crossEntropyLoss}.
 * @example
 * ```ts
 * const o: CrossEntropyLossOptions = { labelSmoothing: 0.1, reduction: 'mean' };
 * ```
 */
export type CrossEntropyLossOptions = CrossEntropyOptions;

/**
 * Softmax cross-entropy of logits `[N, C]` against integer class labels (PyTorch's
 * `F.cross_entropy`), with optional label smoothing ε: the target is (1−ε)·onehot + ε/C.
 *
 * @throws ShapeError for logits that are not 2-D or a label count ≠ N; ValueError for labels that
 * are not integers in [0, C).
 * @example
 * ```ts
 * crossEntropyLoss(tensor([[2, 0], [0, 2]]), [0, 1]).item();                        // 0.1269
 * crossEntropyLoss(tensor([[2, 0], [0, 2]]), [0, 1], { labelSmoothing: 0.1 }).item(); // 0.2269
 * ```
 */
export function crossEntropyLoss(logits: Tensor, labels: ArrayLike<number> | Tensor, options: CrossEntropyLossOptions = {}): Tensor {
  checkOptions(options, ['reduction', 'labelSmoothing'], 'crossEntropyLoss');
  return crossEntropy(checkInput(logits, 'crossEntropyLoss'), labels, options);
}

/** Options of {@link mseLoss}.
 * @example
 * ```ts
 * const o: MSELossOptions = { reduction: 'sum' };
 * ```
 */
export interface MSELossOptions {
  /** How the squared errors are combined. Default 'mean'. */
  reduction?: Reduction;
}

/**
 * Squared error `(input − target)²`, averaged (default), summed or per element.
 *
 * @throws ShapeError when the shapes differ; DTypeError when the dtypes differ.
 * @example
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item();                      // 2
 * mseLoss(tensor([1, 2]), [1, 4], { reduction: 'none' }).toArray();    // [0, 4]
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor | ArrayLike<number>, options: MSELossOptions = {}): Tensor {
  const o = checkOptions(options, ['reduction'], 'mseLoss');
  const reduction = checkReduction(o.reduction, 'mseLoss');
  const x = checkInput(input, 'mseLoss');
  const y = checkTarget(target, x, 'mseLoss');
  const d = x.sub(y);
  return reduce(d.mul(d), reduction);
}

/** Options of {@link bceWithLogits}.
 * @example
 * ```ts
 * const o: BCEWithLogitsOptions = { reduction: 'mean', posWeight: 3 };
 * ```
 */
export interface BCEWithLogitsOptions {
  /** How the per-element losses are combined. Default 'mean'. */
  reduction?: Reduction;
  /** Weight of positive examples (PyTorch's `pos_weight`): a number, or a tensor broadcast against the input. Default 1. */
  posWeight?: number | Tensor;
}

/**
 * Binary cross-entropy on logits, `−[y·log σ(x) + (1−y)·log(1−σ(x))]`, computed stably as
 * `softplus(x) − x·y` where the softplus kernel is `max(x, 0) + log1p(exp(−|x|))`: no overflow for
 * large |x|, and the gradient is exactly `σ(x) − y` (also at x = 0). With `posWeight` p:
 * `(1−y)·x + (1 + (p−1)·y)·softplus(−x)` (PyTorch's formula). Targets may be soft labels in [0, 1].
 *
 * @throws ShapeError when input and target shapes differ.
 * @example
 * ```ts
 * bceWithLogits(tensor([0]), tensor([1])).item();     // 0.6931 (log 2)
 * bceWithLogits(tensor([100]), tensor([0])).item();   // 100, no overflow
 * ```
 */
export function bceWithLogits(input: Tensor, target: Tensor | ArrayLike<number>, options: BCEWithLogitsOptions = {}): Tensor {
  const o = checkOptions(options, ['reduction', 'posWeight'], 'bceWithLogits');
  const reduction = checkReduction(o.reduction, 'bceWithLogits');
  const x = checkInput(input, 'bceWithLogits');
  const y = checkTarget(target, x, 'bceWithLogits');
  const pw = o.posWeight;
  if (pw === undefined) return reduce(softplus(x).sub(x.mul(y)), reduction);
  if (!(pw instanceof Tensor) && (typeof pw !== 'number' || !Number.isFinite(pw))) {
    throw new ValueError(`bceWithLogits: posWeight must be a finite number or a Tensor, but got ${describe(pw)}`);
  }
  const logWeight = y.mul(pw instanceof Tensor ? pw.sub(1) : pw - 1).add(1);
  return reduce(x.mul(y.neg().add(1)).add(logWeight.mul(softplus(x.neg()))), reduction);
}

/** Module form of {@link crossEntropyLoss}: `new CrossEntropyLoss(options).call(logits, labels)`.
 * @example
 * ```ts
 * const lossFn = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * lossFn.call(logits, [0, 2, 1]);
 * ```
 */
export class CrossEntropyLoss extends Module<[Tensor, ArrayLike<number> | Tensor], Tensor> {
  /** The options every call uses. */
  readonly options: Readonly<CrossEntropyLossOptions>;
  constructor(options: CrossEntropyLossOptions = {}) {
    super();
    checkOptions(options, ['reduction', 'labelSmoothing'], 'CrossEntropyLoss');
    checkReduction(options.reduction, 'CrossEntropyLoss');
    const ls = options.labelSmoothing;
    if (ls !== undefined && !(typeof ls === 'number' && ls >= 0 && ls <= 1)) {
      throw new ValueError(`CrossEntropyLoss: labelSmoothing must be a number in [0, 1], but got ${describe(ls)}`);
    }
    this.options = { ...options };
  }
  forward(logits: Tensor, labels: ArrayLike<number> | Tensor): Tensor {
    return crossEntropyLoss(logits, labels, this.options);
  }
  override extraRepr(): string { return JSON.stringify(this.options); }
}

/** Module form of {@link mseLoss}.
 * @example
 * ```ts
 * new MSELoss().call(prediction, target);
 * ```
 */
export class MSELoss extends Module<[Tensor, Tensor | ArrayLike<number>], Tensor> {
  /** The options every call uses. */
  readonly options: Readonly<MSELossOptions>;
  constructor(options: MSELossOptions = {}) {
    super();
    checkOptions(options, ['reduction'], 'MSELoss');
    checkReduction(options.reduction, 'MSELoss');
    this.options = { ...options };
  }
  forward(input: Tensor, target: Tensor | ArrayLike<number>): Tensor {
    return mseLoss(input, target, this.options);
  }
  override extraRepr(): string { return JSON.stringify(this.options); }
}

/** Module form of {@link bceWithLogits}.
 * @example
 * ```ts
 * new BCEWithLogitsLoss({ posWeight: 2 }).call(logits, targets);
 * ```
 */
export class BCEWithLogitsLoss extends Module<[Tensor, Tensor | ArrayLike<number>], Tensor> {
  /** The options every call uses. */
  readonly options: Readonly<BCEWithLogitsOptions>;
  constructor(options: BCEWithLogitsOptions = {}) {
    super();
    checkOptions(options, ['reduction', 'posWeight'], 'BCEWithLogitsLoss');
    checkReduction(options.reduction, 'BCEWithLogitsLoss');
    this.options = { ...options };
  }
  forward(input: Tensor, target: Tensor | ArrayLike<number>): Tensor {
    return bceWithLogits(input, target, this.options);
  }
  override extraRepr(): string { return `reduction=${this.options.reduction ?? 'mean'}`; }
}
