import { Exp } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Exp}.
 * @example
 * ```ts
 * registerKernel(expConfig);
 * ```
 */
export const expConfig: KernelConfig = { kernelName: Exp, backendName: 'gpu', kernelFunc: elementwiseGpu(Exp, ['x'], 'Math.exp(x)') };
