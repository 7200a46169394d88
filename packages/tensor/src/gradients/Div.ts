import { Div } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { div, mul, neg } from '../ops/arithmetic.js';

/** Gradient of {@link Div}.
 * @example
 * ```ts
 * registerGradient(divGrad);
 * ```
 */
export const divGrad: GradConfig = {
  kernelName: Div,
  gradFunc: (dy, { inputs }) => ({
    a: () => div(dy, inputs.b!),
    b: () => neg(div(mul(dy, inputs.a!), mul(inputs.b!, inputs.b!))),
  }),
};
