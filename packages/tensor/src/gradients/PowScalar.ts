import { PowScalar } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, pow } from '../ops/arithmetic.js';
import { zerosLike } from '../ops/creation.js';

/** Gradient of {@link PowScalar}.
 * @example
 * ```ts
 * registerGradient(powScalarGrad);
 * ```
 */
export const powScalarGrad: GradConfig = {
  kernelName: PowScalar,
  gradFunc: (dy, { inputs, attrs }) => {
    const e = attrs.exponent as number;
    // x⁰ is constant: 0, as in PyTorch (not 0·x⁻¹, which is NaN at x = 0)
    return { x: () => (e === 0 ? zerosLike(inputs.x!) : mul(dy, mul(pow(inputs.x!, e - 1), e))) };
  },
};
