/**
 * {@link TransformerEncoderLayer}, PyTorch 1.13's `nn.TransformerEncoderLayer`.
 * @module
 */
import { ValueError, describe, relu, type DType, type Rng, type Tensor } from '@descent/tensor';
import { gelu } from './activations.js';
import { checkBoolean, checkDtype, checkInput, checkNonNegative, checkOptions, checkPositiveInt, checkRng } from './checks.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer_norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead_attention.js';

/** Options of {@link TransformerEncoderLayer} (PyTorch's names and defaults).
 * @example
 * ```ts
 * const o: TransformerEncoderLayerOptions = { rng: new Rng(0), dimFeedforward: 128, normFirst: true, batchFirst: true };
 * ```
 */
export interface TransformerEncoderLayerOptions {
  /** The generator of the initial weights and the dropout masks (required). */
  rng: Rng;
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability (default 0.1): on the attention weights, inside the feed-forward block and on both residual branches. */
  dropout?: number;
  /** The feed-forward activation, `'relu'` (default) or `'gelu'` (exact, erf-based). */
  activation?: 'relu' | 'gelu';
  /** The LayerNorms' eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are `[batch, seq, dModel]` (default false: `[seq, batch, dModel]`). */
  batchFirst?: boolean;
  /** Pre-norm: normalise before each block instead of after each residual sum (default false). */
  normFirst?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/** Options of one {@link TransformerEncoderLayer} call (PyTorch's `src_mask`, `src_key_padding_mask`).
 * @example
 * ```ts
 * const o: EncoderCallOptions = { causal: true, srcKeyPaddingMask: pad };
 * ```
 */
export interface EncoderCallOptions {
  /** Additive attention mask `[seq, seq]` or `[batch·nhead, seq, seq]` (see {@link AttentionCallOptions.attnMask}). */
  srcMask?: Tensor | null;
  /** `[batch, seq]`, non-zero marks padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Each position attends only to itself and earlier ones. */
  causal?: boolean;
}

/**
 * One Transformer encoder block, computed exactly as PyTorch 1.13's `nn.TransformerEncoderLayer`:
 * post-norm `x = norm1(x + sa(x)); x = norm2(x + ff(x))`, or with `normFirst`
 * `x = x + sa(norm1(x)); x = x + ff(norm2(x))`, where `sa` is self-attention followed by `dropout1`
 * and `ff(x) = dropout2(linear2(dropout(activation(linear1(x)))))`.
 *
 * Children carry PyTorch's names (`selfAttn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`,
 * `dropout1`, `dropout2`), so state-dict names are PyTorch's camel-cased; Linear weights are
 * `[in, out]` as everywhere in descent.
 *
 * @throws ValueError for bad sizes or options; at call time ShapeError for inputs or masks of the wrong shape.
 * @example
 * ```ts
 * import { Rng, randn } from '@descent/tensor';
 * import { TransformerEncoderLayer } from '@descent/layers';
 * const rng = new Rng(0);
 * const layer = new TransformerEncoderLayer(32, 4, { rng, dimFeedforward: 64, batchFirst: true, normFirst: true });
 * layer.call(randn([2, 10, 32], rng), { causal: true }).shape; // [2, 10, 32]
 * ```
 */
export class TransformerEncoderLayer extends Module<[Tensor, EncoderCallOptions?]> {
  /** Model width. */
  readonly dModel: number;
  /** Pre-norm (true) or post-norm (false). */
  readonly normFirst: boolean;
  /** The feed-forward activation. */
  readonly activation: 'relu' | 'gelu';
  /** Parameter dtype. */
  readonly dtype: DType;
  /** Self-attention. */
  readonly selfAttn: MultiheadAttention;
  /** First feed-forward projection (dModel → dimFeedforward). */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** Second feed-forward projection (dimFeedforward → dModel). */
  readonly linear2: Linear;
  /** The norm of the attention block. */
  readonly norm1: LayerNorm;
  /** The norm of the feed-forward block. */
  readonly norm2: LayerNorm;
  /** Dropout on the attention branch. */
  readonly dropout1: Dropout;
  /** Dropout on the feed-forward branch. */
  readonly dropout2: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions) {
    super();
    const where = `TransformerEncoderLayer(${String(dModel)}, ${String(nhead)})`;
    this.dModel = checkPositiveInt(dModel, where, 'dModel');
    checkPositiveInt(nhead, where, 'nhead');
    const o = checkOptions(options ?? {}, ['rng', 'dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'dtype'], where);
    const rng = checkRng(o.rng, where);
    const ff = o.dimFeedforward === undefined ? 2048 : checkPositiveInt(o.dimFeedforward, where, 'options.dimFeedforward');
    const p = o.dropout ?? 0.1;
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new ValueError(`${where}: options.dropout must be a number in [0, 1), but got ${describe(p)}`);
    const activation = o.activation ?? 'relu';
    if (activation !== 'relu' && activation !== 'gelu') throw new ValueError(`${where}: options.activation must be 'relu' or 'gelu', but got ${describe(activation)}`);
    this.activation = activation;
    const eps = o.layerNormEps === undefined ? 1e-5 : checkNonNegative(o.layerNormEps, where, 'options.layerNormEps');
    const batchFirst = o.batchFirst === undefined ? false : checkBoolean(o.batchFirst, where, 'options.batchFirst');
    this.normFirst = o.normFirst === undefined ? false : checkBoolean(o.normFirst, where, 'options.normFirst');
    this.dtype = checkDtype(o.dtype, where);
    const dtype = this.dtype;
    // Registration order is PyTorch's, so state dicts list the same entries in the same order.
    this.selfAttn = this.registerModule('selfAttn', new MultiheadAttention(dModel, nhead, { rng, dropout: p, batchFirst, dtype }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff, { rng, dtype }));
    this.dropout = this.registerModule('dropout', new Dropout(p, { rng: rng.split() }));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel, { rng, dtype }));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps, dtype }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps, dtype }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p, { rng: rng.split() }));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p, { rng: rng.split() }));
  }

  /** The block applied to `src` (`[seq, batch, dModel]`, or `[batch, seq, dModel]` with batchFirst).
   * @example
   * ```ts
   * layer.forward(x, { srcKeyPaddingMask: pad }).shape; // x.shape
   * ```
   */
  forward(src: Tensor, options: EncoderCallOptions = {}): Tensor {
    const where = `TransformerEncoderLayer(${this.dModel})`;
    const o = checkOptions(options ?? {}, ['srcMask', 'srcKeyPaddingMask', 'causal'], `${where}.forward`) as EncoderCallOptions;
    let x = checkInput(src, where, this.dtype);
    const selfAttention = (y: Tensor): Tensor => {
      const [a] = this.selfAttn.call(y, y, y, {
        attnMask: o.srcMask ?? null, keyPaddingMask: o.srcKeyPaddingMask ?? null, causal: o.causal ?? false, needWeights: false,
      });
      return this.dropout1.call(a);
    };
    const feedForward = (y: Tensor): Tensor => {
      const h = this.linear1.call(y);
      const act = this.activation === 'gelu' ? gelu(h) : relu(h);
      return this.dropout2.call(this.linear2.call(this.dropout.call(act)));
    };
    if (this.normFirst) {
      x = x.add(selfAttention(this.norm1.call(x)));
      x = x.add(feedForward(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(selfAttention(x)));
      x = this.norm2.call(x.add(feedForward(x)));
    }
    return x;
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, activation=${this.activation}, normFirst=${this.normFirst}, ${this.dtype}`;
  }
}
