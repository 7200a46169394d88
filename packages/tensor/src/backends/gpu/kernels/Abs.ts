import { Abs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Abs}.
 * @example
 * ```ts
 * registerKernel(absConfig);
 * ```
 */
export const absConfig: KernelConfig = { kernelName: Abs, backendName: 'gpu', kernelFunc: elementwiseGpu(Abs, ['x'], 'Math.abs(x)') };
