/**
 * {@link BatchNorm1d}: batch normalisation over the batch (and length) axis.
 * @module
 */
import { ShapeError, ValueError, batchMoments, batchNorm, describe, formatShape, noGrad, ones, zeros, type DType, type Tensor } from '@descent/tensor';
import { checkBoolean, checkDtype, checkInput, checkNonNegative, checkOptions, checkPositiveInt } from './checks.js';
import { Module } from './module.js';

/** Options of {@link BatchNorm1d} (PyTorch's defaults).
 * @example
 * ```ts
 * const o: BatchNorm1dOptions = { eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true };
 * ```
 */
export interface BatchNorm1dOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch in the running averages, in [0, 1]. Default 0.1. `null` averages
   * all batches seen so far equally (a cumulative moving average), as PyTorch's `momentum=None`. */
  momentum?: number | null;
  /** Learn a per-feature scale γ (`weight`, init 1) and shift β (`bias`, init 0). Default true. */
  affine?: boolean;
  /** Keep running mean/variance for eval mode. Default true; when false, batch statistics are used in eval too. */
  trackRunningStats?: boolean;
  /** Parameter and buffer dtype. Default float32. */
  dtype?: DType;
}

/** The batch normalisation shared by {@link BatchNorm1d} and {@link BatchNorm2d}: statistics per
 * channel (axis 1) over every other axis. Not exported from the package.
 * @example
 * ```ts
 * class BatchNorm3d extends BatchNormBase { … }
 * ```
 */
export abstract class BatchNormBase extends Module {
  /** Number of features C. */
  readonly numFeatures: number;
  /** Added to the variance. */
  readonly eps: number;
  /** Running-average weight, or null for a cumulative average. */
  readonly momentum: number | null;
  /** Whether γ and β are learned. */
  readonly affine: boolean;
  /** Whether running statistics are kept and used in eval. */
  readonly trackRunningStats: boolean;
  /** Parameter and buffer dtype. */
  readonly dtype: DType;

  /** The layer's name in messages: `BatchNorm1d(3)`. */
  protected readonly where: string;

  protected constructor(kind: string, numFeatures: number, options: BatchNorm1dOptions) {
    super();
    const where = `${kind}(${String(numFeatures)})`;
    this.where = where;
    this.numFeatures = checkPositiveInt(numFeatures, where, 'numFeatures');
    const o = checkOptions(options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype'], where);
    this.eps = o.eps === undefined ? 1e-5 : checkNonNegative(o.eps, where, 'options.eps');
    const m = o.momentum === undefined ? 0.1 : o.momentum;
    if (m !== null && (typeof m !== 'number' || !(m >= 0 && m <= 1))) {
      throw new ValueError(`${where}: options.momentum must be a number in [0, 1] or null, but got ${describe(m)}`);
    }
    this.momentum = m as number | null;
    this.affine = o.affine === undefined ? true : checkBoolean(o.affine, where, 'options.affine');
    this.trackRunningStats = o.trackRunningStats === undefined ? true : checkBoolean(o.trackRunningStats, where, 'options.trackRunningStats');
    this.dtype = checkDtype(o.dtype, where);
    const dtype = this.dtype;
    this.registerParameter('weight', this.affine ? ones([numFeatures], { dtype }) : null);
    this.registerParameter('bias', this.affine ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningMean', this.trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningVar', this.trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('numBatchesTracked', this.trackRunningStats ? zeros([], { dtype }) : null);
  }

  /** γ `[C]` (init 1), or null without `affine`.
   * @example
   * ```ts
   * bn.weight!.toArray(); // [1, 1]
   * ```
   */
  get weight(): Tensor | null { return this.getParameter('weight'); }
  /** Replace the weight by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set weight(value: Tensor) { this.setParameter('weight', value); }

  /** β `[C]` (init 0), or null without `affine`.
   * @example
   * ```ts
   * bn.bias!.toArray(); // [0, 0]
   * ```
   */
  get bias(): Tensor | null { return this.getParameter('bias'); }
  /** Replace the bias by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set bias(value: Tensor) { this.setParameter('bias', value); }

  /** The running mean `[C]` (a buffer; init 0).
   * @throws ValueError when built with `trackRunningStats: false`.
   * @example
   * ```ts
   * bn.runningMean.toArray();
   * ```
   */
  get runningMean(): Tensor { return this.#buffer('runningMean'); }

  /** The running unbiased variance `[C]` (a buffer; init 1).
   * @throws ValueError when built with `trackRunningStats: false`.
   * @example
   * ```ts
   * bn.runningVar.toArray();
   * ```
   */
  get runningVar(): Tensor { return this.#buffer('runningVar'); }

  /** How many training batches updated the running statistics (a scalar buffer).
   * @throws ValueError when built with `trackRunningStats: false`.
   * @example
   * ```ts
   * bn.numBatchesTracked.item(); // 0 before training
   * ```
   */
  get numBatchesTracked(): Tensor { return this.#buffer('numBatchesTracked'); }

  #buffer(name: string): Tensor {
    const b = this.getBuffer(name);
    if (!b) throw new ValueError(`${this.where}: there is no ${name}: the layer was built with trackRunningStats: false`);
    return b;
  }

  /** Check the input's rank against the layer's (`checkInput` has run); throws ShapeError. */
  protected abstract checkRank(t: Tensor): void;

  /** Normalise `x` per channel (axis 1); see the class description for training vs eval.
   * @example
   * ```ts
   * bn.forward(randn([8, 2], rng));
   * ```
   */
  forward(x: Tensor): Tensor {
    const where = this.where;
    const t = checkInput(x, where, this.dtype);
    this.checkRank(t);
    if (t.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${where}: input has ${t.shape[1]} ${t.rank === 4 ? 'channels' : 'features'} in shape ${formatShape(t.shape)}, expected ${this.numFeatures}`);
    }
    const useBatchStats = this.training || !this.trackRunningStats;
    if (useBatchStats) {
      const n = t.size / this.numFeatures;
      if (n <= 1) {
        throw new ValueError(`${where}: expected more than 1 value per feature when training, but got input of shape ${formatShape(t.shape)}; use a batch of 2 or more, or call eval()`);
      }
      // one fused kernel (and two for the gradient); the running statistics take one more pass
      const y = batchNorm(t, { weight: this.weight, bias: this.bias, eps: this.eps });
      if (this.training && this.trackRunningStats) this.#updateRunningStats(noGrad(() => batchMoments(t)), n);
      return y;
    }
    return batchNorm(t, { weight: this.weight, bias: this.bias, eps: this.eps, mean: this.runningMean, variance: this.runningVar });
  }

  /** Move the running statistics towards the batch's (`moments`: `[2, C]` of mean and biased variance). */
  #updateRunningStats(moments: Tensor, n: number): void {
    noGrad(() => {
      const count = this.numBatchesTracked;
      count.assign([count.item() + 1]);
      const m = this.momentum ?? 1 / count.item();
      const C = this.numFeatures;
      const batchMean = moments.slice([0, 0], [1, C]).reshape([C]);
      const unbiased = moments.slice([1, 0], [1, C]).reshape([C]).mul(n / (n - 1));
      this.runningMean.assign(this.runningMean.mul(1 - m).add(batchMean.mul(m)));
      this.runningVar.assign(this.runningVar.mul(1 - m).add(unbiased.mul(m)));
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}, ${this.dtype}`;
  }
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015, https://arxiv.org/abs/1502.03167) of inputs `[N, C]`
 * or `[N, C, L]`, per feature C, as PyTorch's `nn.BatchNorm1d`.
 *
 * - **Training:** normalise with the batch mean and the *biased* batch variance (divide by n),
 *   `y = (x − mean)/√(var + eps)·γ + β`; the gradient flows through `x − mean`, the mean and the
 *   variance. Then update the buffers, without gradient:
 *   `runningMean ← (1−m)·runningMean + m·mean`, `runningVar ← (1−m)·runningVar + m·var·n/(n−1)`
 *   (the *unbiased* variance, as PyTorch), and `numBatchesTracked += 1`.
 * - **Eval:** normalise with `runningMean` and `runningVar`.
 *
 * Buffers: `runningMean` (init 0), `runningVar` (init 1), `numBatchesTracked` (a scalar count).
 *
 * @throws ValueError in training when there is only one value per feature (batch size 1 for
 * `[1, C]`), as PyTorch; ShapeError when the input is not `[N, C]`/`[N, C, L]` with C = numFeatures.
 * @example
 * ```ts
 * import { tensor } from '@descent/tensor';
 * import { BatchNorm1d } from '@descent/layers';
 * const bn = new BatchNorm1d(2);
 * bn.call(tensor([[1, 10], [3, 30]])).toArray(); // ≈ [[-1, -1], [1, 1]]
 * bn.runningMean.toArray();                        // [0.2, 2]
 * bn.runningVar.toArray();                         // [1.1, 20.9]   (0.9·1 + 0.1·2, 0.9·1 + 0.1·200)
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    super('BatchNorm1d', numFeatures, options);
  }

  protected checkRank(t: Tensor): void {
    if (t.rank !== 2 && t.rank !== 3) {
      throw new ShapeError(`${this.where}: input must be [batch, features] or [batch, features, length], but got shape ${formatShape(t.shape)}`);
    }
  }
}
