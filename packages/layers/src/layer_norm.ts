/**
 * {@link LayerNorm}: normalisation over the trailing axes of each sample.
 * @module
 */
import { ShapeError, ValueError, describe, formatShape, ones, zeros, type DType, type Tensor } from '@descent/tensor';
import { checkBoolean, checkDtype, checkInput, checkNonNegative, checkOptions } from './checks.js';
import { Module } from './module.js';

/** Options of {@link LayerNorm} (PyTorch's defaults).
 * @example
 * ```ts
 * const o: LayerNormOptions = { eps: 1e-5, elementwiseAffine: true, bias: true };
 * ```
 */
export interface LayerNormOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Learn a scale γ (`weight`, init 1) and, unless `bias: false`, a shift β (`bias`, init 0), both of
   * the normalized shape. Default true. */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, also learn β. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Layer normalisation (Ba et al. 2016, https://arxiv.org/abs/1607.06450), as PyTorch's `nn.LayerNorm`:
 * each sample is normalised over its last `normalizedShape.length` axes with its own mean and
 * *biased* variance, `y = (x − mean)/√(var + eps)·γ + β`. Same computation in training and eval; no buffers.
 *
 * @throws ValueError for a bad normalized shape; ShapeError at call time when the input's trailing
 * axes differ from `normalizedShape`.
 * @example
 * ```ts
 * import { tensor } from '@descent/tensor';
 * import { LayerNorm } from '@descent/layers';
 * const ln = new LayerNorm(3);
 * ln.call(tensor([[1, 2, 3]])).toArray(); // ≈ [[-1.2247, 0, 1.2247]]
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance. */
  readonly eps: number;
  /** Whether γ (and β) are learned. */
  readonly elementwiseAffine: boolean;
  /** Parameter dtype. */
  readonly dtype: DType;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? normalizedShape.slice() : null;
    const where = `LayerNorm(${shape ? formatShape(shape) : describe(normalizedShape)})`;
    if (!shape || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValueError(`${where}: normalizedShape must be a positive integer or a non-empty array of them, but got ${describe(normalizedShape)}`);
    }
    this.normalizedShape = shape;
    const o = checkOptions(options, ['eps', 'elementwiseAffine', 'bias', 'dtype'], where);
    this.eps = o.eps === undefined ? 1e-5 : checkNonNegative(o.eps, where, 'options.eps');
    this.elementwiseAffine = o.elementwiseAffine === undefined ? true : checkBoolean(o.elementwiseAffine, where, 'options.elementwiseAffine');
    const bias = o.bias === undefined ? true : checkBoolean(o.bias, where, 'options.bias');
    this.dtype = checkDtype(o.dtype, where);
    this.registerParameter('weight', this.elementwiseAffine ? ones(shape, { dtype: this.dtype }) : null);
    this.registerParameter('bias', this.elementwiseAffine && bias ? zeros(shape, { dtype: this.dtype }) : null);
  }

  /** γ of the normalized shape (init 1), or null without `elementwiseAffine`.
   * @example
   * ```ts
   * ln.weight!.shape; // [3]
   * ```
   */
  get weight(): Tensor | null { return this.getParameter('weight'); }
  /** Replace the weight by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set weight(value: Tensor) { this.setParameter('weight', value); }

  /** β of the normalized shape (init 0), or null.
   * @example
   * ```ts
   * ln.bias!.shape; // [3]
   * ```
   */
  get bias(): Tensor | null { return this.getParameter('bias'); }
  /** Replace the bias by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set bias(value: Tensor) { this.setParameter('bias', value); }

  /** Normalise over the trailing `normalizedShape` axes.
   * @example
   * ```ts
   * ln.forward(randn([4, 3], rng));
   * ```
   */
  forward(x: Tensor): Tensor {
    const where = `LayerNorm(${formatShape(this.normalizedShape)})`;
    const t = checkInput(x, where, this.dtype);
    const k = this.normalizedShape.length;
    const trailing = t.shape.slice(t.rank - k);
    if (t.rank < k || trailing.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(`${where}: input shape ${formatShape(t.shape)} must end with the normalized shape ${formatShape(this.normalizedShape)}`);
    }
    const axes = Array.from({ length: k }, (_, i) => t.rank - k + i);
    const mean = t.mean(axes, { keepDims: true });
    const centered = t.sub(mean);
    const variance = centered.mul(centered).mean(axes, { keepDims: true });
    let out = centered.div(variance.add(this.eps).sqrt());
    if (this.weight) out = out.mul(this.weight);
    if (this.bias) out = out.add(this.bias);
    return out;
  }

  override extraRepr(): string {
    return `${formatShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}, ${this.dtype}`;
  }
}
