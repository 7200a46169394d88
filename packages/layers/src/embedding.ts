/**
 * The lookup table {@link Embedding}.
 * @module
 */
import { ValueError, describe, embedding, zeros, type DType, type NestedArray, type Rng, type Tensor } from '@descent/tensor';
import { checkDtype, checkOptions, checkPositiveInt, checkRng } from './checks.js';
import * as init from './init.js';
import { Module } from './module.js';

/** Options of {@link Embedding}.
 * @example
 * ```ts
 * const o: EmbeddingOptions = { rng: new Rng(0), paddingIdx: 0 };
 * ```
 */
export interface EmbeddingOptions {
  /** The generator the table is drawn from (required). */
  rng: Rng;
  /** A row that is initialised to zeros and receives no gradient (negative counts from the end), or null (default). */
  paddingIdx?: number | null;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/** Indices an {@link Embedding} accepts: a tensor of integer values, or (nested) arrays of integers.
 * @example
 * ```ts
 * const ids: EmbeddingIndices = [[1, 2], [3, 0]];
 * ```
 */
export type EmbeddingIndices = Tensor | NestedArray | ArrayLike<number>;

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, looked up by integer index
 * (PyTorch's `nn.Embedding`). Indices of shape `[...]` give `[..., embeddingDim]`.
 *
 * **Initialisation** as PyTorch: N(0, 1), then the `paddingIdx` row set to zeros. That row receives
 * no gradient, so it stays as it is under plain gradient descent (weight decay aside).
 *
 * @throws ValueError for non-positive sizes, a missing rng or a paddingIdx out of range; at call time
 * ValueError for an index that is not an integer in [0, numEmbeddings).
 * @example
 * ```ts
 * import { Rng } from '@descent/tensor';
 * import { Embedding } from '@descent/layers';
 * const emb = new Embedding(10, 4, { rng: new Rng(0), paddingIdx: 0 });
 * emb.call([[1, 2, 0]]).shape; // [1, 3, 4]
 * ```
 */
export class Embedding extends Module<[EmbeddingIndices]> {
  /** Rows of the table. */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** The row without gradient (non-negative), or null. */
  readonly paddingIdx: number | null;
  /** Parameter dtype. */
  readonly dtype: DType;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions) {
    super();
    const where = `Embedding(${String(numEmbeddings)}, ${String(embeddingDim)})`;
    this.numEmbeddings = checkPositiveInt(numEmbeddings, where, 'numEmbeddings');
    this.embeddingDim = checkPositiveInt(embeddingDim, where, 'embeddingDim');
    const o = checkOptions(options ?? {}, ['rng', 'paddingIdx', 'dtype'], where);
    const rng = checkRng(o.rng, where);
    this.dtype = checkDtype(o.dtype, where);
    const p = o.paddingIdx ?? null;
    if (p !== null && (typeof p !== 'number' || !Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings)) {
      throw new ValueError(`${where}: options.paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}] or null, but got ${describe(p)}`);
    }
    this.paddingIdx = p === null ? null : (p as number) < 0 ? (p as number) + numEmbeddings : (p as number);
    const w = this.registerParameter('weight', zeros([numEmbeddings, embeddingDim], { dtype: this.dtype }));
    init.normal(w, rng);
    if (this.paddingIdx !== null) {
      const values = w.data();
      values.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
      w.assign(values);
    }
  }

  /** The table `[numEmbeddings, embeddingDim]`.
   * @example
   * ```ts
   * emb.weight.shape; // [10, 4]
   * ```
   */
  get weight(): Tensor { return this.getParameter('weight')!; }
  /** Replace the table by a leaf tensor of the same shape and dtype (see {@link Module.setParameter}). */
  set weight(value: Tensor) { this.setParameter('weight', value); }

  /** The rows of the table for `indices` (shape `[...]` → `[..., embeddingDim]`).
   * @example
   * ```ts
   * emb.forward([3, 1]).shape; // [2, 4]
   * ```
   */
  forward(indices: EmbeddingIndices): Tensor {
    return embedding(this.weight, indices, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}, ${this.dtype}`;
  }
}
