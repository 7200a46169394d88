/**
 * {@link TinyTransformer}: a one-layer pre-norm Transformer encoder that reads a short token
 * sequence and classifies it from its last position (modular addition `a b =` → `a + b mod p`).
 * The `transformer-modadd` workload and `examples/tiny-transformer` both train it.
 * @module
 */
import { add, embedding, reshape, slice, type Rng, type Tensor } from '@descent/tensor';
import { Embedding, LayerNorm, Linear, Module, TransformerEncoderLayer } from '@descent/layers';

/** Options of {@link TinyTransformer}.
 * @example
 * ```ts
 * const o: TinyTransformerOptions = { vocabSize: 24, seqLength: 3, classes: 23, dModel: 32, rng: new Rng(1) };
 * ```
 */
export interface TinyTransformerOptions {
  /** Distinct input tokens (token ids are 0 … vocabSize − 1). */
  readonly vocabSize: number;
  /** Positions of the input sequence (learned position embeddings). */
  readonly seqLength: number;
  /** Output classes (the read-out's width). */
  readonly classes: number;
  /** Model width. */
  readonly dModel: number;
  /** Attention heads (default 4; must divide dModel). */
  readonly nHead?: number;
  /** Feed-forward width (default 4 · dModel). */
  readonly dimFeedforward?: number;
  /** Dropout in the encoder layer (default 0). */
  readonly dropout?: number;
  /** Generator of the initial weights and the dropout masks. */
  readonly rng: Rng;
}

/**
 * Token embedding plus learned positions, one pre-norm `TransformerEncoderLayer`, a LayerNorm
 * and a linear read-out of the last position. Input: token ids `[batch, seqLength]`; output:
 * logits `[batch, classes]`.
 * @example
 * ```ts
 * const model = new TinyTransformer({ vocabSize: 24, seqLength: 3, classes: 23, dModel: 32, rng: new Rng(1) });
 * model.call(tensor([[3, 5, 23]])).shape; // [1, 23]
 * ```
 */
export class TinyTransformer extends Module {
  /** Token embedding. */
  readonly tokens: Embedding;
  /** Position embedding. */
  readonly positions: Embedding;
  /** The encoder layer. */
  readonly encoder: TransformerEncoderLayer;
  /** The final LayerNorm. */
  readonly norm: LayerNorm;
  /** The read-out. */
  readonly head: Linear;

  constructor(options: TinyTransformerOptions) {
    super();
    const { vocabSize, seqLength, classes, dModel, nHead = 4, dimFeedforward = 4 * dModel, dropout = 0, rng } = options;
    this.tokens = this.registerModule('tokens', new Embedding(vocabSize, dModel, { rng }));
    this.positions = this.registerModule('positions', new Embedding(seqLength, dModel, { rng }));
    this.encoder = this.registerModule('encoder', new TransformerEncoderLayer(dModel, nHead, {
      rng, dimFeedforward, dropout, batchFirst: true, normFirst: true,
    }));
    this.norm = this.registerModule('norm', new LayerNorm(dModel));
    this.head = this.registerModule('head', new Linear(dModel, classes, { rng }));
  }

  /** Logits `[batch, classes]` of token ids `[batch, seq]`.
   * @example
   * ```ts
   * model.forward(tensor([[3, 5, 23]]));
   * ```
   */
  forward(x: Tensor): Tensor {
    const [batch, seq] = [x.shape[0]!, x.shape[1]!];
    const h = add(this.tokens.call(x), embedding(this.positions.weight, Array.from({ length: seq }, (_, i) => i)));
    const out = this.encoder.call(h);
    const last = reshape(slice(out, [0, seq - 1, 0], [-1, 1, -1]), [batch, -1]);
    return this.head.call(this.norm.call(last));
  }
}
