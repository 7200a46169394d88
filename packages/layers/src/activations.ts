/**
 * Activation functions as modules (ReLU, LeakyReLU, Tanh, Sigmoid, GELU, Softmax, LogSoftmax,
 * Identity), plus the functional forms built from tensor ops: {@link leakyRelu} and {@link gelu}.
 * @module
 */
import {
  ValueError, describe, erf, greater, logSoftmax, mul, relu, sigmoid, softmax, tanh, where, type Tensor,
} from '@descent/tensor';
import { checkInput, checkOptions } from './checks.js';
import { Module } from './module.js';

/** `x` for x > 0, `negativeSlope·x` otherwise (gradient `negativeSlope` at 0, as PyTorch).
 * @example
 * ```ts
 * leakyRelu(tensor([-2, 3]), 0.1).toArray(); // [-0.2, 3]
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  const t = checkInput(x, 'leakyRelu');
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new ValueError(`leakyRelu: negativeSlope must be a finite number, but got ${describe(negativeSlope)}`);
  }
  return where(greater(t, 0), t, mul(t, negativeSlope));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Which GELU: `'none'` (exact, x·Φ(x), PyTorch's default) or `'tanh'` (the tanh approximation).
 * @example
 * ```ts
 * const a: GeluApproximation = 'tanh';
 * ```
 */
export type GeluApproximation = 'none' | 'tanh';

/**
 * Gaussian error linear unit `x·Φ(x)` (Hendrycks & Gimpel 2016, https://arxiv.org/abs/1606.08415).
 *
 * `approximate: 'none'` (default) is exact, `½x(1 + erf(x/√2))` as PyTorch computes it, with the
 * gradient from the tensor package's `erf` op. `'tanh'` is `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`, built from ops.
 *
 * @example
 * ```ts
 * gelu(tensor([-1, 0, 1])).toArray();          // [-0.1587, 0, 0.8413]
 * gelu(tensor([1]), 'tanh').item();            // 0.8412
 * ```
 */
export function gelu(x: Tensor, approximate: GeluApproximation = 'none'): Tensor {
  const t = checkInput(x, 'gelu');
  if (approximate === 'tanh') {
    const inner = mul(t.add(mul(t.mul(t).mul(t), 0.044715)), SQRT_2_OVER_PI);
    return mul(t, 0.5).mul(tanh(inner).add(1));
  }
  if (approximate !== 'none') throw new ValueError(`gelu: approximate must be 'none' or 'tanh', but got ${describe(approximate)}`);
  return mul(t, 0.5).mul(erf(mul(t, Math.SQRT1_2)).add(1));
}

/** `max(x, 0)` elementwise.
 * @example
 * ```ts
 * new ReLU().call(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(checkInput(x, 'ReLU')); }
}

/** Options of {@link LeakyReLU}.
 * @example
 * ```ts
 * const o: LeakyReLUOptions = { negativeSlope: 0.2 };
 * ```
 */
export interface LeakyReLUOptions {
  /** Slope for x < 0. Default 0.01 (PyTorch). */
  negativeSlope?: number;
}

/** `x` for x > 0, `negativeSlope·x` otherwise (default slope 0.01).
 * @example
 * ```ts
 * new LeakyReLU({ negativeSlope: 0.1 }).call(tensor([-1, 2])).toArray(); // [-0.1, 2]
 * ```
 */
export class LeakyReLU extends Module {
  /** Slope for negative inputs. */
  readonly negativeSlope: number;
  constructor(options: LeakyReLUOptions = {}) {
    super();
    const o = checkOptions(options, ['negativeSlope'], 'LeakyReLU');
    const slope = o.negativeSlope ?? 0.01;
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ValueError(`LeakyReLU: negativeSlope must be a finite number, but got ${describe(slope)}`);
    this.negativeSlope = slope;
  }
  forward(x: Tensor): Tensor { return leakyRelu(checkInput(x, 'LeakyReLU'), this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}

/** Hyperbolic tangent.
 * @example
 * ```ts
 * new Tanh().call(tensor([0])).item(); // 0
 * ```
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(checkInput(x, 'Tanh')); }
}

/** Logistic sigmoid `1/(1 + e^(−x))`.
 * @example
 * ```ts
 * new Sigmoid().call(tensor([0])).item(); // 0.5
 * ```
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(checkInput(x, 'Sigmoid')); }
}

/** Options of {@link GELU}.
 * @example
 * ```ts
 * const o: GELUOptions = { approximate: 'tanh' };
 * ```
 */
export interface GELUOptions {
  /** `'none'` (exact, default) or `'tanh'` (the tanh approximation). */
  approximate?: GeluApproximation;
}

/** Gaussian error linear unit; exact by default, see {@link gelu}.
 * @example
 * ```ts
 * new GELU().call(tensor([1])).item();                       // 0.8413
 * new GELU({ approximate: 'tanh' }).call(tensor([1])).item(); // 0.8412
 * ```
 */
export class GELU extends Module {
  /** `'none'` or `'tanh'`. */
  readonly approximate: GeluApproximation;
  constructor(options: GELUOptions = {}) {
    super();
    const o = checkOptions(options, ['approximate'], 'GELU');
    const a = o.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') throw new ValueError(`GELU: approximate must be 'none' or 'tanh', but got ${describe(a)}`);
    this.approximate = a;
  }
  forward(x: Tensor): Tensor { return gelu(checkInput(x, 'GELU'), this.approximate); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}

/** Softmax along `axis` (default the last).
 * @example
 * ```ts
 * new Softmax().call(tensor([[1, 1]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  /** The axis normalised over (negative counts from the end). */
  readonly axis: number;
  constructor(axis = -1) {
    super();
    this.axis = axis;
  }
  forward(x: Tensor): Tensor { return softmax(checkInput(x, 'Softmax'), this.axis); }
  override extraRepr(): string { return `axis=${this.axis}`; }
}

/** Log-softmax along `axis` (default the last), computed stably.
 * @example
 * ```ts
 * new LogSoftmax().call(tensor([[0, 0]])).toArray(); // [[-0.693, -0.693]]
 * ```
 */
export class LogSoftmax extends Module {
  /** The axis normalised over (negative counts from the end). */
  readonly axis: number;
  constructor(axis = -1) {
    super();
    this.axis = axis;
  }
  forward(x: Tensor): Tensor { return logSoftmax(checkInput(x, 'LogSoftmax'), this.axis); }
  override extraRepr(): string { return `axis=${this.axis}`; }
}

/** Returns its input unchanged (a placeholder, e.g. to remove a layer when fine-tuning).
 * @example
 * ```ts
 * new Identity().call(x) === x; // true
 * ```
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return checkInput(x, 'Identity'); }
}
