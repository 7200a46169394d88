import { Softplus } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

// max(x, 0) + log1p(e^(−|x|)): stable at both ends, as the CPU kernel.
/** gpu.js kernel for {@link Softplus}.
 * @example
 * ```ts
 * registerKernel(softplusConfig);
 * ```
 */
export const softplusConfig: KernelConfig = { kernelName: Softplus, backendName: 'gpu', kernelFunc: elementwiseGpu(Softplus, ['x'], 'const e = Math.exp(-Math.abs(x)); const l = (Math.abs(e) < 0.01 ? e * (1 - e * (0.5 - e * (0.3333333333 - e * 0.25))) : Math.log(1 + e)); return (x > 0 ? x : 0) + l;') };
