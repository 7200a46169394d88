import { PowScalar } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';
import { powScalarSource } from '../pow.js';

/** gpu.js kernel for {@link PowScalar}: the exponent is baked into the kernel (`x * x` for 2).
 * @example
 * ```ts
 * registerKernel(powScalarConfig);
 * ```
 */
export const powScalarConfig: KernelConfig = {
  kernelName: PowScalar,
  backendName: 'gpu',
  // a NaN or infinite exponent runs on the CPU (no literal for it in a shader)
  kernelFunc: elementwiseGpu(PowScalar, ['x'], (attrs) => powScalarSource('x', attrs.exponent as number), (attrs) => !Number.isFinite(attrs.exponent as number)),
};
