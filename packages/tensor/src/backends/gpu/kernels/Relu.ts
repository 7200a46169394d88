import { Relu } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Relu}.
 * @example
 * ```ts
 * registerKernel(reluConfig);
 * ```
 */
export const reluConfig: KernelConfig = { kernelName: Relu, backendName: 'gpu', kernelFunc: elementwiseGpu(Relu, ['x'], '(x <= 0 ? 0 : x)') };
