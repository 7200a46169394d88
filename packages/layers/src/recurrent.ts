/**
 * The recurrent layers {@link LSTM} and {@link GRU}: one layer, one direction, PyTorch's gate
 * order, parameter names and layouts, so a PyTorch `state_dict` loads as it is.
 * @module
 */
import { ShapeError, formatShape, matmul, sigmoid, slice, stack, tanh, zeros, type DType, type Rng, type Tensor } from '@descent/tensor';
import { checkBoolean, checkDtype, checkInput, checkOptions, checkPositiveInt, checkRng } from './checks.js';
import * as init from './init.js';
import { Module } from './module.js';

/** Options of {@link LSTM} and {@link GRU}.
 * @example
 * ```ts
 * const o: RecurrentOptions = { rng: new Rng(0), batchFirst: true, dtype: 'float64' };
 * ```
 */
export interface RecurrentOptions {
  /** The generator the initial weights are drawn from. */
  rng: Rng;
  /** Add the biases `bias_ih_l0` and `bias_hh_l0` (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[batch, seq, feature]` instead of `[seq, batch, feature]` (default false). */
  batchFirst?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/** What the two recurrent layers share: parameters `weight_ih_l0 [G·H, in]`, `weight_hh_l0 [G·H, H]`
 * and the biases (G gates), PyTorch's initialisation U(−1/√H, 1/√H) for all of them, and the loop
 * over the sequence. */
abstract class RecurrentBase<State> extends Module<[Tensor, State?], [Tensor, State]> {
  /** Features per input step. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Whether inputs and outputs are batch-first. */
  readonly batchFirst: boolean;
  /** Parameter dtype. */
  readonly dtype: DType;
  /** The layer as errors name it, e.g. `LSTM(10→20)`. */
  protected readonly where: string;

  protected constructor(kind: string, gates: number, inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super();
    this.where = `${kind}(${String(inputSize)}→${String(hiddenSize)})`;
    this.inputSize = checkPositiveInt(inputSize, this.where, 'inputSize');
    this.hiddenSize = checkPositiveInt(hiddenSize, this.where, 'hiddenSize');
    const o = checkOptions(options ?? {}, ['rng', 'bias', 'batchFirst', 'dtype'], this.where);
    const rng = checkRng(o.rng, this.where);
    const bias = o.bias === undefined ? true : checkBoolean(o.bias, this.where, 'options.bias');
    this.batchFirst = o.batchFirst === undefined ? false : checkBoolean(o.batchFirst, this.where, 'options.batchFirst');
    this.dtype = checkDtype(o.dtype, this.where);
    const bound = 1 / Math.sqrt(hiddenSize);
    const shapes: Array<[string, number[] | null]> = [
      ['weightIhL0', [gates * hiddenSize, inputSize]], ['weightHhL0', [gates * hiddenSize, hiddenSize]],
      ['biasIhL0', bias ? [gates * hiddenSize] : null], ['biasHhL0', bias ? [gates * hiddenSize] : null],
    ];
    for (const [name, shape] of shapes) {
      const p = this.registerParameter(name, shape ? zeros(shape, { dtype: this.dtype }) : null);
      if (p) init.uniform(p, rng, { low: -bound, high: bound });
    }
  }

  /** `weight_ih_l0`, `[G·hidden, input]` (PyTorch's layout and gate order). */
  get weightIhL0(): Tensor { return this.getParameter('weightIhL0')!; }
  /** `weight_hh_l0`, `[G·hidden, hidden]`. */
  get weightHhL0(): Tensor { return this.getParameter('weightHhL0')!; }
  /** `bias_ih_l0`, `[G·hidden]`, or null without biases. */
  get biasIhL0(): Tensor | null { return this.getParameter('biasIhL0'); }
  /** `bias_hh_l0`, `[G·hidden]`, or null without biases. */
  get biasHhL0(): Tensor | null { return this.getParameter('biasHhL0'); }

  /** One step: the input projection of the step `[B, G·H]` (with `bias_ih`) and the state before; returns the state after. */
  protected abstract step(inputGates: Tensor, state: State): State;
  /** The hidden state `[B, H]` of a state. */
  protected abstract hiddenOf(state: State): Tensor;
  /** The zero state for a batch of `batch`. */
  protected abstract zeroState(batch: number): State;
  /** A given initial state, checked, as `[B, H]` tensors; `unbatched`: given as `[1, H]`. */
  protected abstract takeState(state: State, batch: number, unbatched: boolean): State;
  /** A final state as returned: `[1, B, H]` tensors (`[1, H]` unbatched). */
  protected abstract giveState(state: State, unbatched: boolean): State;

  /** The hidden projection `h·W_hhᵀ + b_hh`, `[B, G·H]`. */
  protected hiddenGates(h: Tensor): Tensor {
    const g = matmul(h, this.weightHhL0, { transposeB: true });
    return this.biasHhL0 ? g.add(this.biasHhL0) : g;
  }

  /** Gate `k` (0-based, PyTorch's order) of a `[B, G·H]` projection. */
  protected gate(gates: Tensor, k: number): Tensor {
    const [b] = gates.shape as [number, number];
    return slice(gates, [0, k * this.hiddenSize], [b, this.hiddenSize]);
  }

  /** Run the layer over a sequence `x` (`[T, B, in]`, `[B, T, in]` when batch-first, or `[T, in]`
   * unbatched) from `state` (zeros when omitted); returns every step's hidden state and the final state. */
  forward(x: Tensor, state?: State): [Tensor, State] {
    const t = checkInput(x, this.where, this.dtype);
    if ((t.rank !== 2 && t.rank !== 3) || t.shape[t.rank - 1] !== this.inputSize) {
      throw new ShapeError(`${this.where}: input must be [seq, batch, ${this.inputSize}]${this.batchFirst ? ` ([batch, seq, ${this.inputSize}] with batchFirst)` : ''} or unbatched [seq, ${this.inputSize}], but got ${formatShape(t.shape)}`);
    }
    const unbatched = t.rank === 2;
    const seqFirst = unbatched ? t.reshape([t.shape[0]!, 1, this.inputSize]) : this.batchFirst ? t.transpose([1, 0, 2]) : t;
    const [steps, batch] = seqFirst.shape as [number, number, number];
    let projected = matmul(seqFirst.reshape([steps * batch, this.inputSize]), this.weightIhL0, { transposeB: true });
    if (this.biasIhL0) projected = projected.add(this.biasIhL0);
    const width = projected.shape[1]!;
    let s = state === undefined ? this.zeroState(batch) : this.takeState(state, batch, unbatched);
    const hidden: Tensor[] = [];
    for (let i = 0; i < steps; i++) {
      s = this.step(slice(projected, [i * batch, 0], [batch, width]), s);
      hidden.push(this.hiddenOf(s));
    }
    const out = stack(hidden, 0);
    const output = unbatched ? out.reshape([steps, this.hiddenSize]) : this.batchFirst ? out.transpose([1, 0, 2]) : out;
    return [output, this.giveState(s, unbatched)];
  }

  /** A given state tensor `[1, B, H]` (`[1, H]` unbatched) as `[B, H]`. */
  protected checkedState(h: unknown, name: string, batch: number, unbatched: boolean): Tensor {
    const t = checkInput(h, this.where, this.dtype);
    const want = unbatched ? [1, this.hiddenSize] : [1, batch, this.hiddenSize];
    if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`${this.where}: ${name} must have shape ${formatShape(want)} (layers × batch × hidden), but got ${formatShape(t.shape)}`);
    }
    return t.reshape([batch, this.hiddenSize]);
  }

  /** The final `[B, H]` state tensor as returned. */
  protected returnedState(h: Tensor, unbatched: boolean): Tensor {
    return unbatched ? h.reshape([1, this.hiddenSize]) : h.reshape([1, ...h.shape]);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, bias=${this.biasIhL0 !== null}, batchFirst=${this.batchFirst}, ${this.dtype}`;
  }
}

/**
 * A long short-term memory layer, as `torch.nn.LSTM` with one layer and one direction:
 * ```
 * i, f, g, o = σ, σ, tanh, σ of (x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi), …   (gate order i, f, g, o)
 * c' = f ⊙ c + i ⊙ g ;  h' = o ⊙ tanh(c')
 * ```
 * The state is `[h, c]`, each `[1, batch, hidden]` (`[1, hidden]` unbatched).
 * @throws ShapeError for an input or state of the wrong shape; ValueError / ConfigError for bad options.
 * @example
 * ```ts
 * const lstm = new LSTM(3, 5, { rng: new Rng(0), batchFirst: true });
 * const [out, [h, c]] = lstm.call(zeros([2, 7, 3]));
 * out.shape; // [2, 7, 5]
 * h.shape;   // [1, 2, 5]
 * ```
 */
export class LSTM extends RecurrentBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super('LSTM', 4, inputSize, hiddenSize, options);
  }

  protected step(inputGates: Tensor, [h, c]: [Tensor, Tensor]): [Tensor, Tensor] {
    const gates = inputGates.add(this.hiddenGates(h));
    const i = sigmoid(this.gate(gates, 0)), f = sigmoid(this.gate(gates, 1));
    const g = tanh(this.gate(gates, 2)), o = sigmoid(this.gate(gates, 3));
    const next = f.mul(c).add(i.mul(g));
    return [o.mul(tanh(next)), next];
  }

  protected hiddenOf([h]: [Tensor, Tensor]): Tensor { return h; }

  protected zeroState(batch: number): [Tensor, Tensor] {
    return [zeros([batch, this.hiddenSize], { dtype: this.dtype }), zeros([batch, this.hiddenSize], { dtype: this.dtype })];
  }

  protected takeState(state: [Tensor, Tensor], batch: number, unbatched: boolean): [Tensor, Tensor] {
    if (!Array.isArray(state) || state.length !== 2) throw new ShapeError(`${this.where}: the state must be [h0, c0], but got ${typeof state}`);
    return [this.checkedState(state[0], 'h0', batch, unbatched), this.checkedState(state[1], 'c0', batch, unbatched)];
  }

  protected giveState([h, c]: [Tensor, Tensor], unbatched: boolean): [Tensor, Tensor] {
    return [this.returnedState(h, unbatched), this.returnedState(c, unbatched)];
  }
}

/**
 * A gated recurrent unit layer, as `torch.nn.GRU` with one layer and one direction:
 * ```
 * r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr) ;  z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)   (gate order r, z, n)
 * n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn)) ;  h' = (1 − z) ⊙ n + z ⊙ h, computed as (h − n) ⊙ z + n as PyTorch does
 * ```
 * The state is `h`, `[1, batch, hidden]` (`[1, hidden]` unbatched).
 * @throws ShapeError for an input or state of the wrong shape; ValueError / ConfigError for bad options.
 * @example
 * ```ts
 * const gru = new GRU(3, 5, { rng: new Rng(0) });
 * const [out, h] = gru.call(zeros([7, 2, 3]));
 * out.shape; // [7, 2, 5]
 * h.shape;   // [1, 2, 5]
 * ```
 */
export class GRU extends RecurrentBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super('GRU', 3, inputSize, hiddenSize, options);
  }

  protected step(inputGates: Tensor, h: Tensor): Tensor {
    const hiddenGates = this.hiddenGates(h);
    const r = sigmoid(this.gate(inputGates, 0).add(this.gate(hiddenGates, 0)));
    const z = sigmoid(this.gate(inputGates, 1).add(this.gate(hiddenGates, 1)));
    const n = tanh(this.gate(inputGates, 2).add(r.mul(this.gate(hiddenGates, 2))));
    return h.sub(n).mul(z).add(n);
  }

  protected hiddenOf(h: Tensor): Tensor { return h; }

  protected zeroState(batch: number): Tensor { return zeros([batch, this.hiddenSize], { dtype: this.dtype }); }

  protected takeState(state: Tensor, batch: number, unbatched: boolean): Tensor {
    return this.checkedState(state, 'h0', batch, unbatched);
  }

  protected giveState(h: Tensor, unbatched: boolean): Tensor { return this.returnedState(h, unbatched); }
}
