import { runKernel } from '../engine.js';
import { Abs, Erf, Exp, Log, Log1p, Relu, Sigmoid, Sign, Softplus, Sqrt, Tanh } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../engine.js';
import { toTensor } from './convert.js';

const unary = (kernel: string, op: string) => (x: Tensor): Tensor => runKernel(kernel, { x: toTensor(x, 'x', op) });

/**
 * `eˣ`.
 * @example
 * ```ts
 * exp(tensor([0])).item(); // 1
 * ```
 */
export const exp = unary(Exp, 'exp');
/**
 * Natural logarithm.
 * @example
 * ```ts
 * log(tensor([1])).item(); // 0
 * ```
 */
export const log = unary(Log, 'log');
/**
 * `log(1 + x)`, accurate near 0.
 * @example
 * ```ts
 * log1p(tensor([0])).item(); // 0
 * ```
 */
export const log1p = unary(Log1p, 'log1p');
/**
 * Square root.
 * @example
 * ```ts
 * sqrt(tensor([4])).item(); // 2
 * ```
 */
export const sqrt = unary(Sqrt, 'sqrt');
/**
 * Absolute value (gradient sign(x), 0 at 0).
 * @example
 * ```ts
 * abs(tensor([-2])).item(); // 2
 * ```
 */
export const abs = unary(Abs, 'abs');
/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export const relu = unary(Relu, 'relu');
/**
 * Logistic sigmoid, computed without overflow.
 * @example
 * ```ts
 * sigmoid(tensor([0])).item(); // 0.5
 * ```
 */
export const sigmoid = unary(Sigmoid, 'sigmoid');
/**
 * Hyperbolic tangent.
 * @example
 * ```ts
 * tanh(tensor([0])).item(); // 0
 * ```
 */
export const tanh = unary(Tanh, 'tanh');
/**
 * `log(1 + eˣ)`, computed without overflow.
 * @example
 * ```ts
 * softplus(tensor([0])).item(); // 0.693…
 * ```
 */
export const softplus = unary(Softplus, 'softplus');

/** Sign of each element (−1, 0 or 1); not differentiable.
 * @example
 * ```ts
 * sign(tensor([-3, 0, 2])).toArray(); // [-1, 0, 1]
 * ```
 */
export function sign(x: Tensor): Tensor {
  return noGrad(() => runKernel(Sign, { x: toTensor(x, 'x', 'sign') }));
}

/**
 * The error function, accurate to a few ulp in float64 (gradient `2/√π·e^(−x²)`).
 * @example
 * ```ts
 * erf(tensor([0.5], { dtype: 'float64' })).item(); // 0.5204998778130465
 * ```
 */
export const erf = unary(Erf, 'erf');
