/**
 * {@link MultiheadAttention}, PyTorch 1.13's `nn.MultiheadAttention`.
 * @module
 */
import {
  DTypeError, ShapeError, Tensor, ValueError, add, causalMask, describe, div, formatShape, matmul, maskedFill,
  permute, reshape, slice, softmax, sum, zeros, type DType, type Rng,
} from '@descent/tensor';
import { checkBoolean, checkDtype, checkInput, checkOptions, checkPositiveInt, checkRng } from './checks.js';
import { Dropout } from './dropout.js';
import * as init from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/** Options of {@link MultiheadAttention}.
 * @example
 * ```ts
 * const o: MultiheadAttentionOptions = { rng: new Rng(0), batchFirst: true, dropout: 0.1 };
 * ```
 */
export interface MultiheadAttentionOptions {
  /** The generator of the initial weights and of the dropout masks (required). */
  rng: Rng;
  /** Dropout probability on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and output are `[batch, seq, embed]` (default false: `[seq, batch, embed]`, as PyTorch). */
  batchFirst?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/** Options of one {@link MultiheadAttention} call (PyTorch's keyword arguments).
 * @example
 * ```ts
 * const o: AttentionCallOptions = { causal: true, keyPaddingMask: pad, needWeights: false };
 * ```
 */
export interface AttentionCallOptions {
  /** `[batch, keys]`: non-zero marks a padded key that no query attends to (PyTorch's boolean `key_padding_mask`). */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true). */
  needWeights?: boolean;
  /** Added to the scores before the softmax (PyTorch's float `attn_mask`): `[queries, keys]`, or
   * `[batch·numHeads, queries, keys]`; `-Infinity` hides a key. A boolean mask `m` (1 = hide) becomes
   * one with `maskedFill(zerosLike(m), m, -Infinity)`. */
  attnMask?: Tensor | null;
  /** Hide every key after the query's own position ({@link causalMask}); combines with `attnMask`. */
  causal?: boolean;
  /** Average the returned weights over the heads (default true), else return them per head. */
  averageAttnWeights?: boolean;
}

const CALL_OPTIONS = ['keyPaddingMask', 'needWeights', 'attnMask', 'causal', 'averageAttnWeights'];

/**
 * Multi-head scaled dot-product attention, PyTorch 1.13's `nn.MultiheadAttention`:
 * `softmax(Q·Kᵀ/√d + mask)·V` per head, with `Q, K, V` projected by `inProjWeight` and the heads
 * joined by `outProj`. Returns `[output, weights]`: weights `[batch, queries, keys]` averaged over
 * the heads (or `[batch, heads, queries, keys]`), null when `needWeights` is false.
 *
 * **Parameters** as PyTorch: `inProjWeight` `[3E, E]` (PyTorch's layout, rows q then k then v),
 * Xavier-uniform; `inProjBias` `[3E]` zeros; `outProj` a {@link Linear} (weight `[in, out]`, as
 * every descent Linear) with its bias zeroed. Key and value have `embedDim` features (no kdim/vdim,
 * no bias_k/bias_v, no add_zero_attn).
 *
 * **Masks.** A query whose keys are all hidden gets NaN weights and output, as in PyTorch (its
 * softmax is 0/0). Dropout (training only) zeroes attention weights, and the returned weights are
 * the dropped-out ones, as PyTorch 1.13 returns them.
 *
 * @throws ValueError for sizes where numHeads does not divide embedDim, a missing rng, dropout
 * outside [0, 1), unknown options; at call time ShapeError for inputs or masks of the wrong shape.
 * @example
 * ```ts
 * import { Rng, randn } from '@descent/tensor';
 * import { MultiheadAttention } from '@descent/layers';
 * const rng = new Rng(0);
 * const mha = new MultiheadAttention(16, 4, { rng, batchFirst: true });
 * const x = randn([2, 5, 16], rng);
 * const [y, w] = mha.call(x, x, x, { causal: true });
 * y.shape; // [2, 5, 16]
 * w!.shape; // [2, 5, 5]
 * ```
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, AttentionCallOptions?], [Tensor, Tensor | null]> {
  /** Features of queries, keys, values and output (E). */
  readonly embedDim: number;
  /** Number of heads (H); each has E/H features. */
  readonly numHeads: number;
  /** Features per head. */
  readonly headDim: number;
  /** Whether inputs are `[batch, seq, embed]`. */
  readonly batchFirst: boolean;
  /** Parameter dtype. */
  readonly dtype: DType;
  /** The output projection. */
  readonly outProj: Linear;
  /** Dropout on the attention weights. */
  readonly attnDropout: Dropout;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions) {
    super();
    const where = `MultiheadAttention(${String(embedDim)}, ${String(numHeads)})`;
    this.embedDim = checkPositiveInt(embedDim, where, 'embedDim');
    this.numHeads = checkPositiveInt(numHeads, where, 'numHeads');
    if (embedDim % numHeads !== 0) throw new ValueError(`${where}: embedDim must be divisible by numHeads, but got embedDim ${embedDim} and numHeads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    const o = checkOptions(options ?? {}, ['rng', 'dropout', 'bias', 'batchFirst', 'dtype'], where);
    const rng = checkRng(o.rng, where);
    const p = o.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new ValueError(`${where}: options.dropout must be a number in [0, 1), but got ${describe(p)}`);
    const bias = o.bias === undefined ? true : checkBoolean(o.bias, where, 'options.bias');
    this.batchFirst = o.batchFirst === undefined ? false : checkBoolean(o.batchFirst, where, 'options.batchFirst');
    this.dtype = checkDtype(o.dtype, where);
    const w = this.registerParameter('inProjWeight', zeros([3 * embedDim, embedDim], { dtype: this.dtype }));
    init.xavierUniform(w, rng);
    this.registerParameter('inProjBias', bias ? zeros([3 * embedDim], { dtype: this.dtype }) : null);
    this.outProj = this.registerModule('outProj', new Linear(embedDim, embedDim, { rng, bias, dtype: this.dtype }));
    if (this.outProj.bias) init.zeros(this.outProj.bias);
    this.attnDropout = this.registerModule('attnDropout', new Dropout(p, { rng: rng.split() }));
  }

  /** The packed input projection `[3E, E]` (PyTorch layout: q, k, v rows).
   * @example
   * ```ts
   * mha.inProjWeight.shape; // [48, 16]
   * ```
   */
  get inProjWeight(): Tensor { return this.getParameter('inProjWeight')!; }
  /** The packed input bias `[3E]`, or null without biases.
   * @example
   * ```ts
   * mha.inProjBias?.shape; // [48]
   * ```
   */
  get inProjBias(): Tensor | null { return this.getParameter('inProjBias'); }

  /** Attention of `query` over `key`/`value`; see the class for shapes and masks.
   * @example
   * ```ts
   * const [y] = mha.forward(x, x, x, { needWeights: false });
   * ```
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const where = `MultiheadAttention(${this.embedDim}, ${this.numHeads})`;
    const o = checkOptions(options ?? {}, CALL_OPTIONS, `${where}.forward`) as AttentionCallOptions;
    const q0 = checkInput(query, `${where}: query`, this.dtype);
    const k0 = checkInput(key, `${where}: key`, this.dtype);
    const v0 = checkInput(value, `${where}: value`, this.dtype);
    const batched = q0.rank === 3;
    for (const [name, t] of [['query', q0], ['key', k0], ['value', v0]] as const) {
      if (t.rank !== q0.rank || (t.rank !== 2 && t.rank !== 3) || t.shape[t.rank - 1] !== this.embedDim) {
        throw new ShapeError(`${where}: ${name} must be ${this.batchFirst ? '[batch, seq, embed]' : '[seq, batch, embed]'} (or unbatched [seq, embed]) with embed = ${this.embedDim}, like the query, but has shape ${formatShape(t.shape)}`);
      }
    }
    // Work in [batch, seq, embed].
    const toBatchFirst = (t: Tensor): Tensor => (!batched ? reshape(t, [1, ...t.shape]) : this.batchFirst ? t : permute(t, [1, 0, 2]));
    const q1 = toBatchFirst(q0), k1 = toBatchFirst(k0), v1 = toBatchFirst(v0);
    const [N, L] = q1.shape as [number, number];
    const S = k1.shape[1]!;
    if (k1.shape[0] !== N || v1.shape[0] !== N || v1.shape[1] !== S) {
      throw new ShapeError(`${where}: query, key and value must share the batch size and key and value the sequence length, but got query ${formatShape(q0.shape)}, key ${formatShape(k0.shape)}, value ${formatShape(v0.shape)}`);
    }
    const E = this.embedDim, H = this.numHeads, D = this.headDim;
    const [q, k, v] = this.#project(q1, k1, v1, query === key && key === value);
    const heads = (t: Tensor, len: number): Tensor => permute(reshape(t, [N, len, H, D]), [0, 2, 1, 3]);
    // PyTorch scales q before the product: (q/√d)·kᵀ.
    let scores = matmul(div(heads(q, L), Math.sqrt(D)), heads(k, S), { transposeB: true }); // [N, H, L, S]
    const mask = this.#attentionMask(o, N, L, S, where);
    if (mask) scores = add(scores, mask);
    if (o.keyPaddingMask !== undefined && o.keyPaddingMask !== null) {
      const pad = o.keyPaddingMask;
      if (!(pad instanceof Tensor) || pad.rank !== (batched ? 2 : 1) || pad.shape[pad.rank - 1] !== S || (batched && pad.shape[0] !== N)) {
        throw new ShapeError(`${where}: keyPaddingMask must be a Tensor of shape ${batched ? `[${N}, ${S}]` : `[${S}]`} (batch, keys), but got ${pad instanceof Tensor ? formatShape(pad.shape) : describe(pad)}`);
      }
      scores = maskedFill(scores, reshape(pad, [N, 1, 1, S]), -Infinity);
    }
    const weights = this.attnDropout.call(softmax(scores, -1));
    const joined = reshape(permute(matmul(weights, heads(v, S)), [0, 2, 1, 3]), [N, L, E]);
    let out = this.outProj.call(joined);
    out = !batched ? reshape(out, [L, E]) : this.batchFirst ? out : permute(out, [1, 0, 2]);
    const needWeights = o.needWeights === undefined ? true : checkBoolean(o.needWeights, `${where}.forward`, 'options.needWeights');
    if (!needWeights) return [out, null];
    const average = o.averageAttnWeights === undefined ? true : checkBoolean(o.averageAttnWeights, `${where}.forward`, 'options.averageAttnWeights');
    let w = average ? div(sum(weights, 1), H) : weights;
    if (!batched) w = reshape(w, w.shape.slice(1));
    return [out, w];
  }

  /** Q, K, V `[N, seq, E]`: one packed product for self-attention, three otherwise. */
  #project(q: Tensor, k: Tensor, v: Tensor, self: boolean): [Tensor, Tensor, Tensor] {
    const E = this.embedDim, W = this.inProjWeight, b = this.inProjBias;
    if (self) {
      let qkv = matmul(q, W, { transposeB: true });
      if (b) qkv = add(qkv, b);
      const part = (i: number): Tensor => slice(qkv, [0, 0, i * E], [-1, -1, E]);
      return [part(0), part(1), part(2)];
    }
    const project = (x: Tensor, i: number): Tensor => {
      const y = matmul(x, slice(W, [i * E, 0], [E, E]), { transposeB: true });
      return b ? add(y, slice(b, [i * E], [E])) : y;
    };
    return [project(q, 0), project(k, 1), project(v, 2)];
  }

  /** The additive mask (attnMask plus the causal one), shaped to broadcast against `[N, H, L, S]`. */
  #attentionMask(o: AttentionCallOptions, N: number, L: number, S: number, where: string): Tensor | null {
    let mask: Tensor | null = null;
    if (o.attnMask !== undefined && o.attnMask !== null) {
      const m = o.attnMask;
      if (!(m instanceof Tensor)) throw new ValueError(`${where}: attnMask must be a Tensor, but got ${describe(m)}`);
      if (m.dtype !== this.dtype) throw new DTypeError(`${where}: attnMask is ${m.dtype}, but the layer is ${this.dtype}`);
      const H = this.numHeads;
      if (m.rank === 2 && m.shape[0] === L && m.shape[1] === S) mask = m;
      else if (m.rank === 3 && m.shape[0] === N * H && m.shape[1] === L && m.shape[2] === S) mask = reshape(m, [N, H, L, S]);
      else throw new ShapeError(`${where}: attnMask must have shape [${L}, ${S}] or [${N * H}, ${L}, ${S}] (batch·heads, queries, keys), but has shape ${formatShape(m.shape)}`);
    }
    if (o.causal !== undefined && checkBoolean(o.causal, `${where}.forward`, 'options.causal')) {
      const c = causalMask(L, { columns: S, dtype: this.dtype });
      mask = mask ? add(mask, c) : c;
    }
    return mask;
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.attnDropout.p}, batchFirst=${this.batchFirst}, ${this.dtype}`;
  }
}
