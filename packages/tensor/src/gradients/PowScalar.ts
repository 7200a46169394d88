import { PowScalar } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, pow } from '../ops/arithmetic.js';

/** Gradient of {@link PowScalar}.
 * @example
 * ```ts
 * registerGradient(powScalarGrad);
 * ```
 */
export const powScalarGrad: GradConfig = {
  kernelName: PowScalar,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => mul(dy, mul(pow(inputs.x!, (attrs.exponent as number) - 1), attrs.exponent as number)) }),
};
