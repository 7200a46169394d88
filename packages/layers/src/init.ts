/**
 * Weight initialisers (PyTorch's `torch.nn.init`), exported as the namespace `init`:
 * `init.kaimingUniform(w, rng)`. Each one draws from an explicit {@link Rng} (so runs are
 * reproducible), writes in place with `Tensor.assign`, and returns the tensor.
 *
 * **Fans.** descent stores dense weights as `[in, out]` (PyTorch stores `[out, in]`), so for a
 * 2-D tensor fanIn = shape[0] and fanOut = shape[1]. For more axes the Keras convention applies:
 * `[...receptiveField, in, out]`, fanIn = in · receptive, fanOut = out · receptive. See {@link computeFans}.
 *
 * @example
 * ```ts
 * import { Rng, zeros } from '@descent/tensor';
 * import { init } from '@descent/layers';
 * const w = zeros([256, 128]);
 * init.kaimingNormal(w, new Rng(0), { nonlinearity: 'relu' }); // std √2/√256
 * ```
 * @module
 */
import { Tensor, ValueError, describe, formatShape, type Rng } from '@descent/tensor';

function checkTensor(t: unknown, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`init.${op}: argument 'tensor' must be a Tensor, but got ${describe(t)}`);
  return t;
}

function checkRng(rng: unknown, op: string): Rng {
  if (!rng || typeof (rng as Rng).uniform !== 'function' || typeof (rng as Rng).normal !== 'function') throw new ValueError(`init.${op}: argument 'rng' must be an Rng (e.g. new Rng(0)), but got ${describe(rng)}`);
  return rng as Rng;
}

function checkFinite(value: unknown, name: string, op: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`init.${op}: ${name} must be a finite number, but got ${describe(value)}`);
  return value;
}

function fill(t: Tensor, draw: (i: number) => number): Tensor {
  const values = new Float64Array(t.size);
  for (let i = 0; i < values.length; i++) values[i] = draw(i);
  t.assign(values);
  return t;
}

/** Set every value to `value`.
 * @example
 * ```ts
 * init.constant(bias, 0.1);
 * ```
 */
export function constant(t: Tensor, value: number): Tensor {
  checkTensor(t, 'constant');
  const v = checkFinite(value, 'value', 'constant');
  return fill(t, () => v);
}

/** Set every value to 0.
 * @example
 * ```ts
 * init.zeros(bias);
 * ```
 */
export function zeros(t: Tensor): Tensor {
  checkTensor(t, 'zeros');
  return fill(t, () => 0);
}

/** Set every value to 1.
 * @example
 * ```ts
 * init.ones(layerNorm.weight!);
 * ```
 */
export function ones(t: Tensor): Tensor {
  checkTensor(t, 'ones');
  return fill(t, () => 1);
}

/** Options of {@link uniform}.
 * @example
 * ```ts
 * const o: UniformOptions = { low: -0.1, high: 0.1 };
 * ```
 */
export interface UniformOptions {
  /** Lower bound (inclusive). Default 0. */
  low?: number;
  /** Upper bound (exclusive). Default 1. */
  high?: number;
}

/** Values drawn uniformly from [low, high) (default [0, 1)).
 * @throws ValueError when low > high or either is not finite.
 * @example
 * ```ts
 * init.uniform(w, rng, { low: -0.05, high: 0.05 });
 * ```
 */
export function uniform(t: Tensor, rng: Rng, options: UniformOptions = {}): Tensor {
  checkTensor(t, 'uniform');
  const r = checkRng(rng, 'uniform');
  const low = checkFinite(options.low ?? 0, 'low', 'uniform');
  const high = checkFinite(options.high ?? 1, 'high', 'uniform');
  if (low > high) throw new ValueError(`init.uniform: low must be <= high, but got low=${low}, high=${high}`);
  return fill(t, () => low + (high - low) * r.uniform());
}

/** Options of {@link normal}.
 * @example
 * ```ts
 * const o: NormalOptions = { mean: 0, std: 0.02 };
 * ```
 */
export interface NormalOptions {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation (>= 0). Default 1. */
  std?: number;
}

/** Values drawn from N(mean, std²) (default N(0, 1)).
 * @throws ValueError for a negative or non-finite std.
 * @example
 * ```ts
 * init.normal(embedding, rng, { std: 0.02 });
 * ```
 */
export function normal(t: Tensor, rng: Rng, options: NormalOptions = {}): Tensor {
  checkTensor(t, 'normal');
  const r = checkRng(rng, 'normal');
  const mean = checkFinite(options.mean ?? 0, 'mean', 'normal');
  const std = checkFinite(options.std ?? 1, 'std', 'normal');
  if (std < 0) throw new ValueError(`init.normal: std must be >= 0, but got ${std}`);
  return fill(t, () => mean + std * r.normal());
}

/** The fan-in and fan-out of a weight shape (see {@link computeFans}).
 * @example
 * ```ts
 * const { fanIn, fanOut }: Fans = init.computeFans([3, 5]);
 * ```
 */
export interface Fans {
  /** Inputs feeding each output unit: `in · receptive`. */
  fanIn: number;
  /** Outputs each input unit feeds: `out · receptive`. */
  fanOut: number;
}

/** Fan-in and fan-out of a weight shape in descent's layout (`[in, out]`, or `[...receptive, in, out]`).
 * @throws ValueError for fewer than 2 axes.
 * @example
 * ```ts
 * init.computeFans([3, 5]);        // { fanIn: 3, fanOut: 5 }
 * init.computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288 }
 * ```
 */
export function computeFans(shape: readonly number[]): Fans {
  if (!Array.isArray(shape) || shape.length < 2) {
    throw new ValueError(`init.computeFans: fan in and fan out need a weight with at least 2 axes ([in, out]), but got shape ${Array.isArray(shape) ? formatShape(shape) : describe(shape)}`);
  }
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/** A nonlinearity name understood by {@link calculateGain} and the Kaiming initialisers.
 * @example
 * ```ts
 * const n: Nonlinearity = 'relu';
 * ```
 */
export type Nonlinearity = 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

const NONLINEARITIES: readonly Nonlinearity[] = ['linear', 'identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'selu'];

/** The recommended gain for a nonlinearity (PyTorch `calculate_gain`): linear/identity/sigmoid 1,
 * tanh 5/3, relu √2, leakyRelu √(2/(1+a²)) with slope `param` (default 0.01), selu 3/4.
 * @throws ValueError for an unknown name.
 * @example
 * ```ts
 * init.calculateGain('relu'); // 1.414…
 * init.calculateGain('leakyRelu', Math.sqrt(5)); // 1/√3
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'selu': return 3 / 4;
    case 'leakyRelu': {
      const a = checkFinite(param ?? 0.01, 'param (the negative slope)', 'calculateGain');
      return Math.sqrt(2 / (1 + a * a));
    }
    default:
      throw new ValueError(`init.calculateGain: unknown nonlinearity ${describe(nonlinearity)}. Known: ${NONLINEARITIES.join(', ')}`);
  }
}

/** Options of the Xavier (Glorot) initialisers.
 * @example
 * ```ts
 * const o: XavierOptions = { gain: init.calculateGain('tanh') };
 * ```
 */
export interface XavierOptions {
  /** Scale factor (see {@link calculateGain}). Default 1. */
  gain?: number;
}

/** Xavier/Glorot uniform: U(−b, b) with b = gain·√(6/(fanIn+fanOut)).
 * Paper: Glorot & Bengio 2010, https://proceedings.mlr.press/v9/glorot10a.html
 * @example
 * ```ts
 * init.xavierUniform(w, rng);
 * ```
 */
export function xavierUniform(t: Tensor, rng: Rng, options: XavierOptions = {}): Tensor {
  checkTensor(t, 'xavierUniform');
  const r = checkRng(rng, 'xavierUniform');
  const gain = checkFinite(options.gain ?? 1, 'gain', 'xavierUniform');
  const { fanIn, fanOut } = computeFans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return fill(t, () => -bound + 2 * bound * r.uniform());
}

/** Xavier/Glorot normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)).
 * @example
 * ```ts
 * init.xavierNormal(w, rng, { gain: 1 });
 * ```
 */
export function xavierNormal(t: Tensor, rng: Rng, options: XavierOptions = {}): Tensor {
  checkTensor(t, 'xavierNormal');
  const r = checkRng(rng, 'xavierNormal');
  const gain = checkFinite(options.gain ?? 1, 'gain', 'xavierNormal');
  const { fanIn, fanOut } = computeFans(t.shape);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return fill(t, () => std * r.normal());
}

/** Options of the Kaiming (He) initialisers, as PyTorch's `kaiming_*_`.
 * @example
 * ```ts
 * const o: KaimingOptions = { a: Math.sqrt(5), mode: 'fanIn', nonlinearity: 'leakyRelu' };
 * ```
 */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leakyRelu only). Default 0. */
  a?: number;
  /** Preserve the variance of activations (`'fanIn'`, default) or of gradients (`'fanOut'`). */
  mode?: 'fanIn' | 'fanOut';
  /** Default `'leakyRelu'` (with `a` = 0 that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions, op: string): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = options;
  checkFinite(a, 'a', op);
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ValueError(`init.${op}: mode must be 'fanIn' or 'fanOut', but got ${describe(mode)}`);
  const fans = computeFans(t.shape);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** Kaiming/He uniform: U(−b, b) with b = gain·√(3/fan). With `a = √5` (PyTorch's Linear default)
 * b = 1/√fanIn.
 * Paper: He et al. 2015, https://arxiv.org/abs/1502.01852
 * @example
 * ```ts
 * init.kaimingUniform(w, rng, { a: Math.sqrt(5) });
 * ```
 */
export function kaimingUniform(t: Tensor, rng: Rng, options: KaimingOptions = {}): Tensor {
  checkTensor(t, 'kaimingUniform');
  const r = checkRng(rng, 'kaimingUniform');
  if (t.size === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options, 'kaimingUniform');
  return fill(t, () => -bound + 2 * bound * r.uniform());
}

/** Kaiming/He normal: N(0, std²) with std = gain/√fan.
 * @example
 * ```ts
 * init.kaimingNormal(w, rng, { nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal(t: Tensor, rng: Rng, options: KaimingOptions = {}): Tensor {
  checkTensor(t, 'kaimingNormal');
  const r = checkRng(rng, 'kaimingNormal');
  if (t.size === 0) return t;
  const std = kaimingStd(t, options, 'kaimingNormal');
  return fill(t, () => std * r.normal());
}
