import { Log1p } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

// NOTE: log(1 + x) loses digits for small |x| in float32; a 4-term series is exact to float32 below 0.01.
/** gpu.js kernel for {@link Log1p}.
 * @example
 * ```ts
 * registerKernel(log1pConfig);
 * ```
 */
export const log1pConfig: KernelConfig = { kernelName: Log1p, backendName: 'gpu', kernelFunc: elementwiseGpu(Log1p, ['x'], '(Math.abs(x) < 0.01 ? x * (1 - x * (0.5 - x * (0.3333333333 - x * 0.25))) : Math.log(1 + x))') };
