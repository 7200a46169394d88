/**
 * {@link BatchNorm2d}: batch normalisation of NCHW feature maps, per channel.
 * @module
 */
import { ShapeError, formatShape, type Tensor } from '@descent/tensor';
import { BatchNormBase, type BatchNorm1dOptions } from './batch_norm.js';

/** Options of {@link BatchNorm2d}: the same as {@link BatchNorm1dOptions} (PyTorch's defaults).
 * @example
 * ```ts
 * const o: BatchNorm2dOptions = { eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true };
 * ```
 */
export type BatchNorm2dOptions = BatchNorm1dOptions;

/**
 * Batch normalisation of inputs `[N, C, H, W]` per channel C, over N, H and W, as PyTorch's
 * `nn.BatchNorm2d`: in training the batch mean and biased variance normalise and the running
 * statistics move by `momentum` (with the unbiased variance); in eval the running statistics
 * normalise. Parameters `weight` (γ, init 1) and `bias` (β, init 0) when `affine`; buffers
 * `runningMean`, `runningVar`, `numBatchesTracked` as {@link BatchNorm1d}.
 *
 * @throws ShapeError when the input is not `[N, C, H, W]` with C = numFeatures; ValueError in
 * training when there is one value per channel.
 * @example
 * ```ts
 * import { Rng, randn } from '@descent/tensor';
 * import { BatchNorm2d } from '@descent/layers';
 * const bn = new BatchNorm2d(16);
 * bn.call(randn([8, 16, 14, 14], new Rng(0))).shape; // [8, 16, 14, 14]
 * bn.eval();                                            // now normalises with the running statistics
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
  }

  protected checkRank(t: Tensor): void {
    if (t.rank !== 4) throw new ShapeError(`${this.where}: input must be [batch, channels, height, width], but got shape ${formatShape(t.shape)}`);
  }
}
