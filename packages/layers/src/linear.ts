/**
 * The dense layer {@link Linear}.
 * @module
 */
import { ShapeError, formatShape, matmul, zeros, type DType, type Rng, type Tensor } from '@descent/tensor';
import { checkBoolean, checkDtype, checkInput, checkOptions, checkPositiveInt, checkRng } from './checks.js';
import * as init from './init.js';
import { Module } from './module.js';

/** Options of {@link Linear}.
 * @example
 * ```ts
 * const o: LinearOptions = { rng: new Rng(0), bias: false, dtype: 'float64' };
 * ```
 */
export interface LinearOptions {
  /** The generator the initial weights are drawn from (required: descent has no hidden global seed). */
  rng: Rng;
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32); inputs must have the same dtype. */
  dtype?: DType;
}

/**
 * A fully connected layer `y = x·W + b` over the last axis of `x`.
 *
 * **Layout.** The weight is stored as `[in, out]`, so the forward pass is a plain `x·W` with no
 * transpose. PyTorch's `nn.Linear` stores `[out, in]` and computes `x·Wᵀ`: transpose a PyTorch
 * weight when importing it.
 *
 * **Initialisation** is PyTorch's default: weights Kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in),
 * then the bias U(−1/√in, 1/√in), both drawn from `options.rng` (weights first).
 *
 * @throws ValueError for non-positive sizes or a missing rng; at call time ShapeError when the last
 * axis of the input is not `inFeatures`, DTypeError when the dtype differs.
 * @example
 * ```ts
 * import { Rng, tensor } from '@descent/tensor';
 * import { Linear } from '@descent/layers';
 * const fc = new Linear(4, 3, { rng: new Rng(0) });
 * fc.weight.shape;                              // [4, 3]
 * fc.call(tensor([[1, 2, 3, 4]])).shape;        // [1, 3]
 * ```
 */
export class Linear extends Module {
  /** Size of the last axis of the input. */
  readonly inFeatures: number;
  /** Size of the last axis of the output. */
  readonly outFeatures: number;
  /** Parameter dtype. */
  readonly dtype: DType;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions) {
    super();
    const where = `Linear(${String(inFeatures)}→${String(outFeatures)})`;
    this.inFeatures = checkPositiveInt(inFeatures, where, 'inFeatures');
    this.outFeatures = checkPositiveInt(outFeatures, where, 'outFeatures');
    const o = checkOptions(options ?? {}, ['rng', 'bias', 'dtype'], where);
    const rng = checkRng(o.rng, where);
    const bias = o.bias === undefined ? true : checkBoolean(o.bias, where, 'options.bias');
    this.dtype = checkDtype(o.dtype, where);
    const w = this.registerParameter('weight', zeros([inFeatures, outFeatures], { dtype: this.dtype }));
    init.kaimingUniform(w, rng, { a: Math.sqrt(5) });
    const b = this.registerParameter('bias', bias ? zeros([outFeatures], { dtype: this.dtype }) : null);
    if (b) {
      const bound = 1 / Math.sqrt(inFeatures);
      init.uniform(b, rng, { low: -bound, high: bound });
    }
  }

  /** The weight `[in, out]`.
   * @example
   * ```ts
   * fc.weight.shape; // [4, 3]
   * ```
   */
  get weight(): Tensor { return this.getParameter('weight')!; }
  /** Replace the weight by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set weight(value: Tensor) { this.setParameter('weight', value); }

  /** The bias `[out]`, or null when built with `bias: false`.
   * @example
   * ```ts
   * fc.bias?.shape; // [3]
   * ```
   */
  get bias(): Tensor | null { return this.getParameter('bias'); }
  /** Replace the bias by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set bias(value: Tensor) { this.setParameter('bias', value); }

  /** `x·W + b` for `x` of shape `[..., in]`; returns `[..., out]`.
   * @example
   * ```ts
   * fc.forward(zeros([5, 4])).shape; // [5, 3]
   * ```
   */
  forward(x: Tensor): Tensor {
    const where = `Linear(${this.inFeatures}→${this.outFeatures})`;
    const t = checkInput(x, where, this.dtype);
    const last = t.shape[t.rank - 1];
    if (t.rank === 0 || last !== this.inFeatures) {
      throw new ShapeError(`${where}: input has ${t.rank === 0 ? 'no' : last} features in shape ${formatShape(t.shape)}, expected ${this.inFeatures}`);
    }
    const x2 = t.rank === 2 ? t : t.reshape([-1, this.inFeatures]);
    let y = matmul(x2, this.weight);
    if (this.bias) y = y.add(this.bias);
    return t.rank === 2 ? y : y.reshape([...t.shape.slice(0, -1), this.outFeatures]);
  }

  override extraRepr(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null}, ${this.dtype}`;
  }
}
